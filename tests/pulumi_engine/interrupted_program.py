"""The program of test_engine_interrupted.py (copied as __main__.py over engine_program.py).

One slow LambdaInvocation, steered by the stack's config:

  countFile  (required) the file the function appends one line to when its body runs
  seconds    how long the body sleeps before it writes that line (the window to interrupt in)
  keyed      "true": the Powertools function `idempotent` at powertoolsUrl, with a derived
             idempotency key; otherwise the `count` function, without a key
  powertoolsUrl  the endpoint serving `idempotent`
"""

from __future__ import annotations

import pulumi

from pulumi_lambda_invocation import DERIVE_IDEMPOTENCY_KEY, LambdaInvocation

config = pulumi.Config()
payload = {
    "count_file": config.require("countFile"),
    "seconds": config.require_float("seconds"),
    "tag": "slow",
}
if config.get_bool("keyed"):
    slow = LambdaInvocation(
        "slow",
        function_name="idempotent",
        payload=payload,
        idempotency_key=DERIVE_IDEMPOTENCY_KEY,
        endpoint_url=config.require("powertoolsUrl"),
    )
else:
    slow = LambdaInvocation("slow", function_name="count", payload=payload)
pulumi.export("slow_result", slow.result)
