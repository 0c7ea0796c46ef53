"""The Pulumi program of the engine tests (copied as __main__.py into each test's project).

Everything it does is steered by the stack's config, set with `pulumi config set`, so each
step of a scenario is a config change and a CLI command, as a user would do it:

  countFile  (required) the file the `count` test function appends one line to per run;
             each line ends with the payload's tag, so a test can tell who invoked
  marker     (required, secret) a value that must never appear in plain text; it goes into
             the payloads as a nested secret and comes back in the echo result and log tail
  scope      lifecycle_scope of the counted resource (CREATE_ONLY, the default, or CRUD)
  trigger    the counted resource's trigger (default "1"); also part of its tag
  order      "forward" (default) or "reversed": the payload's keys in the other order
  readTimeout  a connection-only input (default unset)
  withInvoke  "true": also call invoke() (the ephemeral form) on the `count` function; it
             logs "invoke answered status 200" from inside an apply, which runs only when
             the result is known, and exports the status read inside apply after Output.all
  invokeDuringPreview  "false": that call passes during_preview=False (default: true)
  failing    "resource" or "invoke": also call the `fail` function, which raises an error
             whose message is the marker, through that form

The Lambda endpoint and region come from the stack's aws:endpoints / aws:region, the
credentials from its secret aws:accessKey / aws:secretKey (as pulumi-aws reads them).
"""

from __future__ import annotations

from typing import Any

import pulumi

from pulumi_lambda_invocation import LambdaInvocation, invoke

config = pulumi.Config()
count_file = config.require("countFile")
marker = config.require_secret("marker")
scope = config.get("scope") or "CREATE_ONLY"
trigger = config.get("trigger") or "1"
read_timeout = config.get_float("readTimeout")

tag = f"resource-{trigger}"
items: list[tuple[str, Any]] = [("count_file", count_file), ("tag", tag), ("marker", marker)]
if config.get("order") == "reversed":
    items.reverse()

counted = LambdaInvocation(
    "counted",
    function_name="count",
    payload=dict(items),
    triggers={"trigger": trigger},
    lifecycle_scope=scope,
    read_timeout=read_timeout,
)
pulumi.export("counted_result", counted.result)
pulumi.export("counted_status", counted.status_code)

# The function returns the event it got and prints the marker to its log: both come back
# only in secret outputs.
echoed = LambdaInvocation("echoed", function_name="echo", payload={"marker": marker}, log_type="Tail")
pulumi.export("echo_result", echoed.result)
pulumi.export("echo_log", echoed.log_result)

if config.get_bool("withInvoke"):
    during_preview = config.get_bool("invokeDuringPreview")
    probe = invoke(
        "count",
        {"count_file": count_file, "tag": "invoke"},
        during_preview=True if during_preview is None else during_preview,
    )
    pulumi.export("invoke_status", probe.status_code)
    # The value inside apply is the documented InvokeResult, after Output.all too.
    probe.apply(lambda answer: pulumi.log.info(f"invoke answered status {answer.status_code}"))
    pulumi.export("invoke_status_all", pulumi.Output.all(probe).apply(lambda values: values[0].status_code))

failing = config.get("failing")
if failing == "resource":
    LambdaInvocation("failing", function_name="fail", payload={"message": marker})
elif failing == "invoke":
    invoke("fail", {"message": marker})
