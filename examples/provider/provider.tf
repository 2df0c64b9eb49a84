terraform {
  required_providers {
    platformxe = {
      source  = "calderax/platformxe"
      version = "0.1.0"
    }
  }
}

# Every setting is optional: endpoint and api_key fall back to the PLATFORMXE_ENDPOINT and
# PLATFORMXE_API_KEY environment variables, which keeps the key out of the configuration.
provider "platformxe" {
  endpoint = "http://127.0.0.1:8780" # the registry's base URL, without /v1
  api_key  = var.platformxe_api_key

  # Optional: refuse a key that belongs to another organisation before anything is planned.
  # organization_id = "org_0123456789abcdef"

  # "remote" (default) asks the registry's dry-run for the verdict at plan time;
  # "offline" uses only the rules engine in the provider; "off" skips verdicts at plan.
  plan_checks = "remote"

  max_retries     = 3  # 429 / 5xx answers and failed connections
  request_timeout = 30 # seconds per request phase
}

variable "platformxe_api_key" {
  type      = string
  sensitive = true
}
