# Import one registered version by <namespace>/<name>@<version> ...
terraform import platformxe_custom_event.property_favorited lettings/property.favorited@1.0.0

# ... or by its canonical name (the organisation must be the API key's).
terraform import platformxe_custom_event.property_favorited 'TENANT_CUSTOM:org_0123456789abcdef:lettings.property.favorited@1.0.0'
