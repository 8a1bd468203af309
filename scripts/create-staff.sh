#!/usr/bin/env bash
# `make create-staff`: creates the first (or any) staff account directly in D1, for an operator
# who has no staff account to invite with yet. The password is read from the terminal (or from
# IMP_STAFF_PASSWORD, for automation), hashed here as the Worker stores it
# (pbkdf2-sha256$100000$salt$hash), and never sent anywhere.
#
#   make create-staff EMAIL=ops@example.org NAME="Program Office"            # local (make run)
#   make create-staff EMAIL=ops@example.org NAME="Program Office" REMOTE=1   # the deployed D1
#   PERSIST=/some/dir make create-staff …                                    # another local state
source "$(dirname "$0")/lib.sh"
cd "$ROOT"

email="$(printf '%s' "${EMAIL:-}" | tr '[:upper:]' '[:lower:]' | sed 's/^[[:space:]]*//;s/[[:space:]]*$//')"
name="$(printf '%s' "${NAME:-}" | sed 's/^[[:space:]]*//;s/[[:space:]]*$//')"
[[ "$email" =~ ^[^@[:space:]]+@[^@[:space:]]+$ && ${#email} -le 200 ]] \
  || die "EMAIL=… must be an email address (got '${EMAIL:-}')"
[[ -n "$name" && ${#name} -le 200 ]] || die "NAME=… must have 1 to 200 characters"

password="${IMP_STAFF_PASSWORD:-}"
if [ -z "$password" ]; then
  [ -t 0 ] || die "no terminal to read the password from; set IMP_STAFF_PASSWORD"
  read -r -s -p "Password for $email (10–200 characters): " password; echo
  read -r -s -p "Again: " again; echo
  [ "$password" = "$again" ] || die "the two passwords differ"
fi
[ "${#password}" -ge 10 ] && [ "${#password}" -le 200 ] || die "the password must have 10 to 200 characters"

# The SQL is built by Node from JSON-quoted values: every ' is doubled, nothing is interpolated raw.
sql="$(IMP_EMAIL="$email" IMP_NAME="$name" IMP_PASSWORD="$password" node -e '
const { pbkdf2Sync, randomBytes } = require("node:crypto");
const salt = randomBytes(16).toString("hex");
const hash = pbkdf2Sync(process.env.IMP_PASSWORD, salt, 100000, 32, "sha256").toString("hex");
const q = (v) => "'"'"'" + String(v).replace(/'"'"'/g, "'"'"''"'"'") + "'"'"'";
const id = "u-" + randomBytes(8).toString("hex");
console.log(`INSERT INTO accounts (id, email, display_name, role, password_hash, active, created_at) VALUES (${q(id)}, ${q(process.env.IMP_EMAIL)}, ${q(process.env.IMP_NAME)}, ${q("staff")}, ${q(`pbkdf2-sha256$100000$${salt}$${hash}`)}, 1, ${q(new Date().toISOString())});`);
')"

if [ "${REMOTE:-}" = 1 ]; then
  where=(--remote)
  step "Creating staff account $email in the deployed D1"
else
  persist="${PERSIST:-$ROOT/.wrangler/state}"
  where=(--local --persist-to "$persist")
  step "Creating staff account $email in the local D1 ($persist)"
  (cd worker && wrangler d1 migrations apply DB "${where[@]}" >/dev/null)
fi
if ! out="$(cd worker && wrangler d1 execute DB "${where[@]}" --command "$sql" 2>&1)"; then
  if grep -q "UNIQUE" <<<"$out"; then die "$email already has an account"; fi
  printf '%s\n' "$out" | tail -n 5 >&2
  die "the account was not created"
fi
note "done: $email signs in as staff; invite everyone else from the People screen"
