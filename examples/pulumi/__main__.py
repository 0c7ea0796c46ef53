"""Example Pulumi program: get database credentials from a Lambda function, keep them secret.

    cd examples/pulumi && pulumi login --local && pulumi stack init dev && pulumi up

Against the local endpoint of this repository, export LAMBDA_ENDPOINT_URL (and any
AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY: it does not check them) first, or set
`pulumi config set endpointUrl http://127.0.0.1:PORT`. Against AWS, set aws:region and
functionName; credentials come from the usual AWS chain, never from this program. The
stack's other pulumi-aws keys (aws:profile, aws:assumeRoles, aws:endpoints,
aws:allowedAccountIds, ...) are honoured as pulumi-aws honours them.

Config (all optional): functionName (sample-secret), qualifier (live), endpointUrl,
rotation (change it to invoke the function again and get fresh credentials).
"""

from __future__ import annotations

import os

import pulumi

from pulumi_lambda_invocation import LambdaInvocation, invoke

config = pulumi.Config()
function_name = config.get("functionName") or "sample-secret"
qualifier = config.get("qualifier") or "live"
endpoint_url = config.get("endpointUrl") or os.environ.get("LAMBDA_ENDPOINT_URL") or None
event = {"service": "billing", "environment": pulumi.get_stack()}

# The resource form: invoked on the first `pulumi up` and again only when an input or a
# trigger changes. The result stays in state, encrypted as a secret.
credentials = LambdaInvocation(
    "db-credentials",
    function_name=function_name,
    qualifier=qualifier,
    payload=event,
    client_context={"custom": {"caller": "examples/pulumi"}},
    log_type="Tail",
    triggers={"rotation": config.get("rotation") or "1"},
    endpoint_url=endpoint_url,
)

pulumi.export("result", credentials.result)  # secret: shown as [secret]
pulumi.export("log_result", credentials.log_result)  # secret
pulumi.export("executed_version", credentials.executed_version)
pulumi.export("status_code", credentials.status_code)
pulumi.export("function_error", credentials.function_error)
# A field known not to be secret can be revealed on purpose; everything else stays hidden.
pulumi.export("db_username", pulumi.Output.unsecret(credentials.result_json["username"]))

# The ephemeral form: runs on every preview and up, and nothing of it is stored unless the
# program exports it (it would be secret). Here only a log line says that it ran.
probe = invoke(function_name, {"service": "probe"}, qualifier=qualifier, endpoint_url=endpoint_url)
probe.executed_version.apply(lambda version: pulumi.log.info(f"ephemeral invoke ran version {version}"))
