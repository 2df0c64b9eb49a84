terraform {
  required_providers {
    platformxe = {
      source  = "calderax/platformxe"
      version = "0.1.0"
    }
  }
}

# The API key, kept out of saved plans and state: an ephemeral variable (Terraform >= 1.10) set
# with TF_VAR_platformxe_api_key (set it again for `terraform apply saved.tfplan`), or, left null,
# the PLATFORMXE_API_KEY environment variable. Never a plain variable: even one marked sensitive
# is written into saved plan files and printed by `terraform show -json`, which CI jobs often keep.
variable "platformxe_api_key" {
  type      = string
  default   = null
  sensitive = true
  ephemeral = true
}

provider "platformxe" {
  endpoint = "http://127.0.0.1:8780" # the registry's base URL, without /v1 (or PLATFORMXE_ENDPOINT)
  api_key  = var.platformxe_api_key

  # Optional: refuse a key that belongs to another organisation before anything is planned.
  # organization_id = "org_0123456789abcdef"

  # "remote" (default) asks the registry's dry-run for the verdict at plan time;
  # "offline" uses only the rules engine in the provider; "off" skips verdicts at plan.
  plan_checks = "remote"

  max_retries     = 3  # 429 / 5xx answers and failed connections
  request_timeout = 30 # seconds per request phase
}
