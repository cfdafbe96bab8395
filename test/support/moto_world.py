"""Seed a moto server with one Keywarden world account, for the audit's second-opinion e2e test.

moto (https://github.com/getmoto/moto) is a third-party AWS emulator: running our end-to-end
scenarios against it catches misreadings of AWS that our own emulator would share with our code.

Usage: python3 test/support/moto_world.py [spec.json]   (the spec is one JSON line on stdin otherwise)

The spec is {"now": "<ISO time>", "account": <one account of a Keywarden world>}: the same fields
as src/emulator/world.ts (users with createdDaysAgo, tags, groups, mfa, attachedPolicies, loginProfile,
passwordLastUsedDaysAgo and accessKeys; ssmParameters). Everything is created through the API with
boto3, then dated `now - days` in moto's in-process backend, because moto has no API that sets a
creation or last-use time. When the server is ready the script prints ONE JSON line

    {"endpoint": "http://127.0.0.1:PORT", "accountId": "...", "keys": {"<user>": ["<key id>", ...]}}

and serves until stdin reaches end-of-file (the parent closed it or died) or SIGTERM.

With "multiAccount": true, requests are not all pinned to the seeded account (which must then be
moto's default, 123456789012): a session from AssumeRole works in the role's account, as an
organization's member accounts need.

With "via": "backend" in the spec, users, groups, login profiles, MFA devices and keys are created
in moto's backend directly instead of through its API: the same state, about a hundred times
faster, for `npm run bench`'s 5,000-user account (the tests keep the API path).

What moto 5.2.1 cannot represent is refused with exit code 3 instead of seeded differently:
given key ids (moto generates its own; "keys" maps them back), a root user (no <root_account>
row in its credential report), and a login profile younger than its user (moto has no
login-profile creation time: GetLoginProfile and the report's password_last_changed both use the
user's creation time). A password change (loginProfile.passwordLastChangedDaysAgo) is held: the
report's password_last_changed is then written from it, as AWS writes it after a change, while
GetLoginProfile keeps the creation time.
"""

import json
import logging
import os
import signal
import sys
from datetime import datetime, timedelta, timezone

REGION = "us-east-1"
MOTO_DEFAULT_ACCOUNT = "123456789012"
DEFAULT_SERVICE = "s3"


class Unsupported(Exception):
    """The spec asks for something moto cannot hold; the test must not get a different world."""


def days_ago(now, days):
    # moto keeps naive UTC datetimes (moto.core.utils.utcnow) and formats them with "+00:00".
    # Whole seconds, as AWS stores them (and as our emulator's world loader does).
    return (now - timedelta(days=days)).replace(microsecond=0)


def last_used_days(value):
    """A world's lastUsedDaysAgo: a number, or "never" / null / absent for never."""
    return value if isinstance(value, (int, float)) and not isinstance(value, bool) else None


def user_age_days(user):
    """Mirrors userAgeDays in src/emulator/world.ts: given, else the oldest time of any credential."""
    if user.get("createdDaysAgo") is not None:
        return user["createdDaysAgo"]
    ages = [last_used_days(user.get("passwordLastUsedDaysAgo")) or 0]
    for key in user.get("accessKeys") or []:
        ages += [key.get("createdDaysAgo") or 0, last_used_days(key.get("lastUsedDaysAgo")) or 0]
    profile = user.get("loginProfile")
    if profile is not None:
        ages += [profile.get("createdDaysAgo") or 0, last_used_days(profile.get("passwordLastUsedDaysAgo")) or 0]
    return max(ages)


def check_representable(account):
    if account.get("root"):
        raise Unsupported("root: moto has no root user (its credential report has no <root_account> row)")
    for user in account.get("users") or []:
        age = user_age_days(user)
        profile = user.get("loginProfile")
        if profile is not None and profile.get("createdDaysAgo", age) != age:
            raise Unsupported(
                f"users[{user['name']}].loginProfile.createdDaysAgo: moto dates a login profile with its "
                f"user's creation ({age} days ago), got {profile['createdDaysAgo']}"
            )
        changed = (profile or {}).get("passwordLastChangedDaysAgo")
        if changed is not None and changed > age:
            raise Unsupported(
                f"users[{user['name']}].loginProfile.passwordLastChangedDaysAgo: a password cannot change "
                f"before its login profile exists ({age} days ago), got {changed}"
            )
        for key in user.get("accessKeys") or []:
            if "id" in key:
                raise Unsupported(f"users[{user['name']}].accessKeys[].id: moto generates key ids (got {key['id']})")


def create_through_api(endpoint, account):
    """Creates users, groups, tags, login profiles, MFA, keys and SSM parameters the way a client would."""
    import boto3

    session = boto3.session.Session(
        aws_access_key_id="AKIDMOTOSEEDER", aws_secret_access_key="seeder", region_name=REGION
    )
    iam = session.client("iam", endpoint_url=endpoint)
    ssm = session.client("ssm", endpoint_url=endpoint)
    keys = {}
    groups = set()
    for group in account.get("groups") or []:
        iam.create_group(GroupName=group["name"], Path=group.get("path", "/"))
        groups.add(group["name"])
    for user in account.get("users") or []:
        name = user["name"]
        tags = [{"Key": k, "Value": v} for k, v in (user.get("tags") or {}).items()]
        iam.create_user(UserName=name, Path=user.get("path", "/"), Tags=tags)
        for group in user.get("groups") or []:
            if group not in groups:
                iam.create_group(GroupName=group)
                groups.add(group)
            iam.add_user_to_group(GroupName=group, UserName=name)
        for policy_arn in user.get("attachedPolicies") or []:
            iam.attach_user_policy(UserName=name, PolicyArn=policy_arn)
        profile = user.get("loginProfile")
        if profile is not None:  # `{}` is a login profile with every default, so not a truthiness test
            iam.create_login_profile(UserName=name, Password="Seeded-Passw0rd!")
        if user.get("mfa"):
            device = iam.create_virtual_mfa_device(VirtualMFADeviceName=name)["VirtualMFADevice"]
            iam.enable_mfa_device(
                UserName=name,
                SerialNumber=device["SerialNumber"],
                AuthenticationCode1="123456",
                AuthenticationCode2="654321",
            )
        keys[name] = []
        # Created in list order, so moto's slots (list order in User.access_keys) match the world's.
        for key in user.get("accessKeys") or []:
            key_id = iam.create_access_key(UserName=name)["AccessKey"]["AccessKeyId"]
            if key.get("status", "Active") != "Active":
                iam.update_access_key(UserName=name, AccessKeyId=key_id, Status=key["status"])
            keys[name].append(key_id)
    for parameter in account.get("ssmParameters") or []:
        extra = {"Description": parameter["description"]} if "description" in parameter else {}
        ssm.put_parameter(
            Name=parameter["name"], Value=parameter["value"], Type=parameter.get("type", "String"), **extra
        )
    return keys


REPORT_TIME = "%Y-%m-%dT%H:%M:%S+00:00"


def hold_password_changes():
    """Makes moto's credential report write a user's password_last_changed from
    `keywarden_password_last_changed` when set (moto writes the user's creation time there)."""
    from moto.iam.models import User

    original = User.to_csv

    def to_csv(self):
        line = original(self)
        changed = getattr(self, "keywarden_password_last_changed", None)
        if changed is None or not self.password:
            return line
        # user,arn,user_creation_time, then password_enabled,password_last_used,password_last_changed,...
        # (the name and ARN may hold commas; nothing after them does).
        head = f"{self.name},{self.arn},{self.create_date.strftime(REPORT_TIME)},"
        if not line.startswith(head):
            raise RuntimeError(f"moto's credential report row changed shape: {line!r}")
        cells = line[len(head):].split(",")
        cells[2] = changed.strftime(REPORT_TIME)
        return head + ",".join(cells)

    User.to_csv = to_csv


def create_in_backend(account_id, account):
    """What create_through_api does, in moto's backend (no HTTP): for large benchmark accounts."""
    from moto.iam.models import iam_backends

    backend = iam_backends[account_id]["aws"]
    keys = {}
    groups = set()
    for group in account.get("groups") or []:
        backend.create_group(group["name"], group.get("path", "/"))
        groups.add(group["name"])
    for user in account.get("users") or []:
        name = user["name"]
        tags = [{"Key": k, "Value": v} for k, v in (user.get("tags") or {}).items()]
        backend.create_user(REGION, name, user.get("path", "/"), tags)
        for group in user.get("groups") or []:
            if group not in groups:
                backend.create_group(group)
                groups.add(group)
            backend.add_user_to_group(group, name)
        if user.get("loginProfile") is not None:
            backend.create_login_profile(name, "Seeded-Passw0rd!")
        if user.get("mfa"):
            device = backend.create_virtual_mfa_device(name, "/")
            backend.enable_mfa_device(name, device.serial_number, "123456", "654321")
        keys[name] = []
        for key in user.get("accessKeys") or []:
            created = backend.create_access_key(name)
            if key.get("status", "Active") != "Active":
                backend.update_access_key(name, created.access_key_id, key["status"])
            keys[name].append(created.access_key_id)
    if account.get("ssmParameters"):
        raise Unsupported('ssmParameters: not with "via": "backend"; seed them through the API')
    if any(user.get("attachedPolicies") for user in account.get("users") or []):
        raise Unsupported('attachedPolicies: not with "via": "backend"; seed them through the API')
    return keys


def set_dates(account_id, account, keys, now):
    """Backdates what the API just created. Attribute names as read in moto 5.2.1's moto/iam/models.py."""
    from moto.iam.models import AccessKeyLastUsed, iam_backends

    backend = iam_backends[account_id]["aws"]
    for spec in account.get("users") or []:
        user = backend.users[spec["name"]]
        age = user_age_days(spec)
        # Also GetLoginProfile's CreateDate and the report's user_creation_time and password_last_changed.
        user.create_date = days_ago(now, age)
        for device in user.mfa_devices.values():
            device.enable_date = user.create_date
        profile = spec.get("loginProfile")
        if profile is not None:
            # moto's CreateLoginProfile ignores PasswordResetRequired.
            user.password_reset_required = bool(profile.get("passwordResetRequired", False))
            changed = profile.get("passwordLastChangedDaysAgo")
            user.keywarden_password_last_changed = None if changed is None else days_ago(now, changed)
        password_used = last_used_days(
            profile.get("passwordLastUsedDaysAgo") if profile is not None else spec.get("passwordLastUsedDaysAgo")
        )
        # User.password_last_used is a plain datetime (GetUser's PasswordLastUsed, the report's password_last_used).
        user.password_last_used = None if password_used is None else days_ago(now, password_used)
        for key_spec, key_id in zip(spec.get("accessKeys") or [], keys[spec["name"]], strict=True):
            key = user.get_access_key_by_id(key_id)
            key.create_date = days_ago(now, key_spec.get("createdDaysAgo", age))
            used = last_used_days(key_spec.get("lastUsedDaysAgo"))
            # GetAccessKeyLastUsed reads .timestamp/.service/.region, so it must be an AccessKeyLastUsed,
            # not a bare datetime (to_csv accepts both). The report writes not_supported for both anyway.
            key.last_used = (
                None
                if used is None
                else AccessKeyLastUsed(
                    timestamp=days_ago(now, used),
                    service=key_spec.get("service", DEFAULT_SERVICE),
                    region=key_spec.get("region", REGION),
                )
            )


def read_spec():
    if len(sys.argv) > 1:
        with open(sys.argv[1], encoding="utf-8") as handle:
            return json.load(handle)
    line = sys.stdin.readline()
    if not line.strip():
        raise Unsupported("no spec: pass a JSON file or write one JSON line on stdin")
    return json.loads(line)


def main():
    spec = read_spec()
    account = spec["account"]
    account_id = account.get("id", MOTO_DEFAULT_ACCOUNT)
    now = datetime.fromisoformat(spec["now"].replace("Z", "+00:00")).astimezone(timezone.utc).replace(tzinfo=None)
    check_representable(account)

    if spec.get("multiAccount"):
        # Requests land in the account of their signing key: moto's default account for any key it
        # did not issue, the role's account for a session from AssumeRole (an organization's members).
        if account_id != MOTO_DEFAULT_ACCOUNT:
            raise Unsupported(f"multiAccount: the seeded account must be moto's default, {MOTO_DEFAULT_ACCOUNT}")
    else:
        # Every request lands in this account, whatever key signs it: get_current_account in
        # moto/core/responses.py reads MOTO_ACCOUNT_ID before looking at the signing key.
        os.environ["MOTO_ACCOUNT_ID"] = account_id
    if any(user.get("attachedPolicies") for user in account.get("users") or []):
        # moto 5 knows AWS's managed policies (the quarantine ones among them) only when asked to
        # load them, which slows its start: only for a world that attaches one.
        os.environ["MOTO_IAM_LOAD_MANAGED_POLICIES"] = "true"
    logging.getLogger("werkzeug").setLevel(logging.ERROR)  # no access log on stderr
    from moto.server import ThreadedMotoServer

    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    endpoint = f"http://{host}:{port}"
    if spec.get("via") == "backend":
        keys = create_in_backend(account_id, account)
    else:
        keys = create_through_api(endpoint, account)
    hold_password_changes()
    set_dates(account_id, account, keys, now)

    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    print(json.dumps({"endpoint": endpoint, "accountId": account_id, "keys": keys}), flush=True)
    # Serve until the parent closes stdin (or exits, which closes it too). With a spec file and a
    # terminal, Ctrl-D stops it.
    while sys.stdin.readline():
        pass
    server.stop()


if __name__ == "__main__":
    try:
        main()
    except Unsupported as error:
        print(f"moto_world.py: {error}", file=sys.stderr)
        sys.exit(3)
