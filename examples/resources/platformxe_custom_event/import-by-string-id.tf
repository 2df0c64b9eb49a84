# Adopt a version registered outside Terraform; `terraform plan -generate-config-out=generated.tf`
# writes its resource block.
import {
  to = platformxe_custom_event.property_favorited
  id = "lettings/property.favorited@1.0.0"
}
