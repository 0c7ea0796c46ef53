# Copyright: Contributors to the ephemeral.aws collection
# Apache License 2.0 (see https://www.apache.org/licenses/LICENSE-2.0) or, at your option,
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: Apache-2.0 OR GPL-3.0-or-later
"""AWS connection options of ephemeral.aws, named, aliased and read from the environment as in
amazon.aws (the collection does not depend on amazon.aws).

DOCUMENTATION is for modules (environment fallbacks are described in the text, as modules
read them on the target); PLUGINS is for controller-side plugins (env and vars entries).
Both copy what ``OPTIONS`` in plugins/module_utils/common.py declares (ansible-doc reads this
YAML text, so it cannot be derived); tests/ansible/test_option_declaration.py at the project
root fails when they disagree.

The ``env`` entries of PLUGINS are listed in INCREASING order of preference: Ansible's
configuration takes the LAST one that is set (ansible.config.manager ``_loop_entries``), while a
module's ``env_fallback`` takes the first. The descriptions state the order of preference.
"""

from __future__ import annotations


class ModuleDocFragment:
    DOCUMENTATION = r"""
options:
  access_key:
    description:
      - AWS access key ID.
      - The E(AWS_ACCESS_KEY_ID) or E(AWS_ACCESS_KEY) environment variables may also be used,
        in decreasing order of preference.
      - The O(access_key) and O(profile) options are mutually exclusive.
    type: str
    aliases: [aws_access_key_id, aws_access_key]
  secret_key:
    description:
      - AWS secret access key.
      - The E(AWS_SECRET_ACCESS_KEY) or E(AWS_SECRET_KEY) environment variables may also be used,
        in decreasing order of preference.
      - The O(secret_key) and O(profile) options are mutually exclusive.
      - Declared C(no_log). Ansible replaces this value with C(********) wherever it appears in
        the task result, so do not use a value that can occur in what the function returns (for
        example in tests).
    type: str
    aliases: [aws_secret_access_key, aws_secret_key]
  session_token:
    description:
      - AWS STS session token for use with temporary credentials.
      - The E(AWS_SESSION_TOKEN) environment variable may also be used.
      - The O(session_token) and O(profile) options are mutually exclusive.
      - Declared C(no_log).
    type: str
    aliases: [aws_session_token]
  profile:
    description:
      - A named AWS profile to use for authentication.
      - The E(AWS_PROFILE) or E(AWS_DEFAULT_PROFILE) environment variables may also be used,
        in decreasing order of preference.
      - The O(profile) option is mutually exclusive with the O(access_key), O(secret_key) and
        O(session_token) options.
    type: str
    aliases: [aws_profile]
  region:
    description:
      - The AWS region to use.
      - The E(AWS_REGION) or E(AWS_DEFAULT_REGION) environment variables may also be used,
        in decreasing order of preference.
    type: str
    aliases: [aws_region]
  endpoint_url:
    description:
      - URL to connect to instead of the default AWS endpoint, for example a local Lambda
        emulator. Must start with V(http://) or V(https://).
      - The E(AWS_URL) environment variable may also be used; boto3 itself also honours
        E(AWS_ENDPOINT_URL_LAMBDA) and E(AWS_ENDPOINT_URL).
    type: str
    aliases: [aws_endpoint_url]
  validate_certs:
    description:
      - When set to V(false), TLS certificates are not validated when talking to the endpoint.
      - Setting O(validate_certs=false) is strongly discouraged; consider O(aws_ca_bundle) instead.
    type: bool
    default: true
  aws_ca_bundle:
    description:
      - The location of a CA bundle to use when validating TLS certificates.
      - The E(AWS_CA_BUNDLE) environment variable may also be used.
    type: path
  aws_config:
    description:
      - A dictionary of botocore configuration settings
        (U(https://botocore.amazonaws.com/v1/documentation/api/latest/reference/config.html)).
      - Every setting that cannot send the request twice is accepted, for example
        V(user_agent_extra) (appended to the collection's own), V(max_pool_connections),
        V(proxies) (under the proxy environment variables' values), V(proxies_config),
        V(tcp_keepalive) (V(false) also drops the collection's keepalive timers),
        V(connect_timeout) and V(read_timeout) (O(read_timeout) overrides it),
        V(use_fips_endpoint) and V(use_dualstack_endpoint) (added in version 0.2.0; Lambda and STS
        calls go to botocore's FIPS and/or dual-stack endpoints, except to an explicit O(endpoint_url)).
      - Refused, with a message giving the reason, are V(retries) and V(defaults_mode) (botocore's
        retries re-send a request after a read timeout, a dropped connection or a 5xx, and the
        function could run twice; the collection retries only when Lambda answered that it did
        not run the function), V(region_name) (use O(region)), and any name that is not a
        botocore Config setting.
    type: dict
  debug_botocore_endpoint_logs:
    description:
      - Accepted for users of C(amazon.aws), and refused when V(true) before anything is sent,
        because botocore's endpoint logs would log the Invoke response, which holds the
        function's result. The task then fails with a message saying so.
    type: bool
    default: false
    version_added: 0.2.0
  read_timeout:
    description:
      - Seconds to wait for the function's response before giving up.
      - Defaults to 960 seconds (Lambda's 900 second maximum plus a margin). Overrides
        a C(read_timeout) in O(aws_config) when both are set.
      - After a read timeout the request is never sent again (the function may still be
        running), and the task fails saying so.
    type: float
  role_arn:
    description:
      - The ARN of an IAM role to assume with STS C(AssumeRole) before invoking, for example to
        invoke a function in another account without a profile
        (V(arn:aws:iam::123456789012:role/invoker)).
      - The role is assumed with the credentials given by the other options (or boto3's default
        chain). The temporary credentials are kept in memory only, reused while they are valid
        and refreshed shortly before they expire; they are never returned, logged or written.
      - The STS endpoint follows boto3's configuration (the regional STS endpoint by default;
        E(AWS_ENDPOINT_URL_STS) or E(AWS_ENDPOINT_URL) to use another one); for modules these
        variables are read on the target.
      - When STS refuses, the task fails with a message naming C(AssumeRole), the AWS error code,
        the HTTP status and the request id, never the credentials or the external ID.
    type: str
    version_added: 0.2.0
  role_session_name:
    description:
      - The session name of the assumed role (2 to 64 characters of letters, digits and
        V(+=,.@_-)), visible in the role's CloudTrail events.
      - Defaults to V(ephemeral-lambda-invocation).
      - Requires O(role_arn).
    type: str
    version_added: 0.2.0
  external_id:
    description:
      - The external ID that the role's trust policy requires (2 to 1,224 characters).
      - Requires O(role_arn).
      - Declared C(no_log), so Ansible replaces its value with C(********) wherever it occurs in
        the task result; do not use a value that can occur in what the function returns.
    type: str
    version_added: 0.2.0
  role_duration:
    description:
      - Lifetime in seconds of the assumed role's session, from 900 to 43,200 (the role's maximum
        session duration applies). STS defaults to 3,600 seconds.
      - Requires O(role_arn).
    type: int
    version_added: 0.2.0
notes:
  - B(Caution:) for modules, environment variables and configuration files are read on the
    target host, not on the controller. For lookup plugins they are read on the controller.
  - boto3 may also read credentials and settings such as the region from its configuration
    files (typically C(~/.aws/credentials) and C(~/.aws/config)) and falls back to its default
    credential chain (for example an instance role) when no credentials are given.
  - For execution environments, ansible-builder installs the collection's Python requirements,
    C(boto3>=1.34), from its C(requirements.txt) (named in C(meta/execution-environment.yml));
    no system package is needed.
requirements:
  - python >= 3.9
  - boto3 >= 1.34
"""

    PLUGINS = r"""
options:
  access_key:
    description:
      - AWS access key ID.
      - The E(AWS_ACCESS_KEY_ID) or E(AWS_ACCESS_KEY) environment variables may also be used,
        in decreasing order of preference.
      - The O(access_key) and O(profile) options are mutually exclusive.
    type: str
    aliases: [aws_access_key_id, aws_access_key]
    env:
      - name: AWS_ACCESS_KEY
      - name: AWS_ACCESS_KEY_ID
    vars:
      - name: aws_access_key_id
  secret_key:
    description:
      - AWS secret access key.
      - The E(AWS_SECRET_ACCESS_KEY) or E(AWS_SECRET_KEY) environment variables may also be used,
        in decreasing order of preference.
      - The O(secret_key) and O(profile) options are mutually exclusive.
    type: str
    aliases: [aws_secret_access_key, aws_secret_key]
    env:
      - name: AWS_SECRET_KEY
      - name: AWS_SECRET_ACCESS_KEY
    vars:
      - name: aws_secret_access_key
  session_token:
    description:
      - AWS STS session token for use with temporary credentials.
      - The E(AWS_SESSION_TOKEN) environment variable may also be used.
      - The O(session_token) and O(profile) options are mutually exclusive.
    type: str
    aliases: [aws_session_token]
    env:
      - name: AWS_SESSION_TOKEN
    vars:
      - name: aws_session_token
  profile:
    description:
      - A named AWS profile to use for authentication.
      - The E(AWS_PROFILE) or E(AWS_DEFAULT_PROFILE) environment variables may also be used,
        in decreasing order of preference.
      - The O(profile) option is mutually exclusive with the O(access_key), O(secret_key) and
        O(session_token) options.
    type: str
    aliases: [aws_profile]
    env:
      - name: AWS_DEFAULT_PROFILE
      - name: AWS_PROFILE
    vars:
      - name: aws_profile
  region:
    description:
      - The AWS region to use.
      - The E(AWS_REGION) or E(AWS_DEFAULT_REGION) environment variables may also be used,
        in decreasing order of preference.
    type: str
    aliases: [aws_region]
    env:
      - name: AWS_DEFAULT_REGION
      - name: AWS_REGION
    vars:
      - name: aws_region
  endpoint_url:
    description:
      - URL to connect to instead of the default AWS endpoint, for example a local Lambda
        emulator. Must start with V(http://) or V(https://).
      - The E(AWS_URL) environment variable may also be used; boto3 itself also honours
        E(AWS_ENDPOINT_URL_LAMBDA) and E(AWS_ENDPOINT_URL).
    type: str
    aliases: [aws_endpoint_url]
    env:
      - name: AWS_URL
    vars:
      - name: aws_endpoint_url
  validate_certs:
    description:
      - When set to V(false), TLS certificates are not validated when talking to the endpoint.
      - Setting O(validate_certs=false) is strongly discouraged; consider O(aws_ca_bundle) instead.
    type: bool
    default: true
    vars:
      - name: aws_validate_certs
  aws_ca_bundle:
    description:
      - The location of a CA bundle to use when validating TLS certificates.
      - The E(AWS_CA_BUNDLE) environment variable may also be used.
    type: path
    env:
      - name: AWS_CA_BUNDLE
    vars:
      - name: aws_ca_bundle
  aws_config:
    description:
      - A dictionary of botocore configuration settings
        (U(https://botocore.amazonaws.com/v1/documentation/api/latest/reference/config.html)).
      - Every setting that cannot send the request twice is accepted, for example
        V(user_agent_extra) (appended to the collection's own), V(max_pool_connections),
        V(proxies) (under the proxy environment variables' values), V(proxies_config),
        V(tcp_keepalive) (V(false) also drops the collection's keepalive timers),
        V(connect_timeout) and V(read_timeout) (O(read_timeout) overrides it),
        V(use_fips_endpoint) and V(use_dualstack_endpoint) (added in version 0.2.0; Lambda and STS
        calls go to botocore's FIPS and/or dual-stack endpoints, except to an explicit O(endpoint_url)).
      - Refused, with a message giving the reason, are V(retries) and V(defaults_mode) (botocore's
        retries re-send a request after a read timeout, a dropped connection or a 5xx, and the
        function could run twice; the collection retries only when Lambda answered that it did
        not run the function), V(region_name) (use O(region)), and any name that is not a
        botocore Config setting.
    type: dict
    vars:
      - name: aws_config
  read_timeout:
    description:
      - Seconds to wait for the function's response before giving up.
      - Defaults to 960 seconds (Lambda's 900 second maximum plus a margin). Overrides
        a C(read_timeout) in O(aws_config) when both are set.
      - After a read timeout the request is never sent again (the function may still be
        running), and the lookup fails saying so.
    type: float
  role_arn:
    description:
      - The ARN of an IAM role to assume with STS C(AssumeRole) before invoking, for example to
        invoke a function in another account without a profile
        (V(arn:aws:iam::123456789012:role/invoker)).
      - The role is assumed with the credentials given by the other options (or boto3's default
        chain). The temporary credentials are kept in memory only, reused while they are valid
        and refreshed shortly before they expire; they are never returned, logged or written.
      - The STS endpoint follows boto3's configuration (the regional STS endpoint by default;
        E(AWS_ENDPOINT_URL_STS) or E(AWS_ENDPOINT_URL) to use another one).
      - When STS refuses, the lookup fails with a message naming C(AssumeRole), the AWS error code,
        the HTTP status and the request id, never the credentials or the external ID.
    type: str
    version_added: 0.2.0
  role_session_name:
    description:
      - The session name of the assumed role (2 to 64 characters of letters, digits and
        V(+=,.@_-)), visible in the role's CloudTrail events.
      - Defaults to V(ephemeral-lambda-invocation).
      - Requires O(role_arn).
    type: str
    version_added: 0.2.0
  external_id:
    description:
      - The external ID that the role's trust policy requires (2 to 1,224 characters).
      - Requires O(role_arn).
      - It never appears in an error message or warning of this plugin.
    type: str
    version_added: 0.2.0
  role_duration:
    description:
      - Lifetime in seconds of the assumed role's session, from 900 to 43,200 (the role's maximum
        session duration applies). STS defaults to 3,600 seconds.
      - Requires O(role_arn).
    type: int
    version_added: 0.2.0
notes:
  - For lookup plugins, environment variables and configuration files are read on the
    controller.
  - boto3 may also read credentials and settings such as the region from its configuration
    files (typically C(~/.aws/credentials) and C(~/.aws/config)) and falls back to its default
    credential chain (for example an instance role) when no credentials are given.
  - For execution environments, ansible-builder installs the collection's Python requirements,
    C(boto3>=1.34), from its C(requirements.txt) (named in C(meta/execution-environment.yml));
    no system package is needed.
requirements:
  - boto3 >= 1.34 on the controller
"""
