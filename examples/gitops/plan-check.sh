#!/usr/bin/env bash
# CI gate for PlatformXe event schemas: terraform plan -> terraform show -json -> platformxe plan-check.
#
# Run it in the Terraform working directory after `terraform init`. It writes the pull-request
# comment (markdown) to $COMMENT_FILE and prints it, and keeps the saved plan in $PLAN_FILE so a
# later job can apply exactly what was reviewed.
#
# Settings (environment variables):
#   TERRAFORM      terraform command        (default: terraform; e.g. "platformxe terraform" or "tofu")
#   PLATFORMXE     platformxe command        (default: platformxe)
#   FAIL_ON        plan-check policies, space separated: major breaking drift any-change
#                  (default: "breaking drift": a breaking change or drift fails the gate until a
#                  reviewer approves; FAIL_ON="" keeps only the registry-rules check, which always runs)
#   PLAN_FILE      saved plan               (default: tfplan)
#   PLAN_JSON      its JSON form            (default: plan.json)
#   COMMENT_FILE   the markdown comment     (default: plan-check.md)
#
# Exit codes: 0 every check passed; 1 terraform plan failed (e.g. a version the registry would
# refuse) or a policy failed; 2 the plan could not be read (a setup problem, not a review verdict).
set -uo pipefail

TERRAFORM=${TERRAFORM:-terraform}
PLATFORMXE=${PLATFORMXE:-platformxe}
FAIL_ON=${FAIL_ON-breaking drift}
PLAN_FILE=${PLAN_FILE:-tfplan}
PLAN_JSON=${PLAN_JSON:-plan.json}
COMMENT_FILE=${COMMENT_FILE:-plan-check.md}
PLAN_LOG=$(mktemp)
trap 'rm -f "$PLAN_LOG"' EXIT

# 1. Plan. -detailed-exitcode: 0 no changes, 2 changes, 1 error. The provider refuses illegal
#    versions here (e.g. "this change is breaking; register it as 2.0.0"), so no plan file exists
#    and the comment carries Terraform's own error text instead of a table.
$TERRAFORM plan -input=false -no-color -detailed-exitcode -out="$PLAN_FILE" 2>&1 | tee "$PLAN_LOG"
plan_code=${PIPESTATUS[0]}
case $plan_code in
  0) echo "terraform plan: no changes" ;;
  2) echo "terraform plan: changes present" ;;
  *)
    {
      echo "## PlatformXe plan check: ❌ fail"
      echo
      echo "**terraform plan failed (exit $plan_code)** — nothing can be applied until it plans cleanly."
      echo
      echo '```'
      # The diagnostics are what a reviewer needs; the whole log is in the job output.
      if grep -q '^Error:' "$PLAN_LOG"; then
        grep -A 12 '^Error:' "$PLAN_LOG" | head -n 80
      else
        tail -n 40 "$PLAN_LOG"
      fi
      echo '```'
    } >"$COMMENT_FILE"
    cat "$COMMENT_FILE"
    exit 1
    ;;
esac

# 2. The plan as JSON (plan format 1.x): what plan-check reads.
if ! $TERRAFORM show -json "$PLAN_FILE" >"$PLAN_JSON"; then
  echo "terraform show -json $PLAN_FILE failed" >&2
  exit 2
fi

# 3. Judge every platformxe_custom_event change and the drift; the markdown is the PR comment.
policies=()
for policy in $FAIL_ON; do
  policies+=(--fail-on "$policy")
done
$PLATFORMXE plan-check "$PLAN_JSON" --format markdown "${policies[@]}" -o "$COMMENT_FILE"
check_code=$?
[ -f "$COMMENT_FILE" ] && cat "$COMMENT_FILE"
case $check_code in
  0) echo "platformxe plan-check: pass" ;;
  1) echo "platformxe plan-check: a policy failed (${FAIL_ON:-rules only}); see the comment above" ;;
  *) echo "platformxe plan-check: could not read $PLAN_JSON (exit $check_code)" >&2 ;;
esac
exit "$check_code"
