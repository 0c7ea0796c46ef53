"""A local AWS Lambda endpoint that runs real Python handlers (development and tests only).

It serves the Lambda Invoke API on loopback for boto3 (`endpoint_url=...`) and the Lambda
Runtime API to `awslambdaric` processes, one warm process per concurrent invocation.
Not part of the product wheel; never import it from core/ or the adapters.

Run `python -m local_lambda --help`; tests and benchmarks start it with
`local_lambda.launcher.running_endpoint`.
"""

__all__: list[str] = []
