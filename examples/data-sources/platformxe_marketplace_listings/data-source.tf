# Browse the marketplace (every plan may): listings tagged "crm" mentioning "favourite".
data "platformxe_marketplace_listings" "crm" {
  q   = "favourite"
  tag = "crm"
}

output "crm_listings" {
  value = [for l in data.platformxe_marketplace_listings.crm.listings : "${l.id}: ${l.title} (${l.namespace}.${l.name}@${l.version})"]
}
