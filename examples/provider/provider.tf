terraform {
  required_providers {
    platformxe = {
      source  = "calderax/platformxe"
      version = "0.1.0"
    }
  }
}

provider "platformxe" {
  endpoint = "http://127.0.0.1:8780" # the registry's base URL, without /v1 (or PLATFORMXE_ENDPOINT)

  # The API key: leave api_key unset and export PLATFORMXE_API_KEY. A key written here or passed
  # through a variable (even one marked sensitive) is stored in saved plan files and printed by
  # `terraform show -json`, which CI jobs often keep as artifacts.

  # Optional: refuse a key that belongs to another organisation before anything is planned.
  # organization_id = "org_0123456789abcdef"

  # "remote" (default) asks the registry's dry-run for the verdict at plan time;
  # "offline" uses only the rules engine in the provider; "off" skips verdicts at plan.
  plan_checks = "remote"

  max_retries     = 3  # 429 / 5xx answers and failed connections
  request_timeout = 30 # seconds per request phase
}
