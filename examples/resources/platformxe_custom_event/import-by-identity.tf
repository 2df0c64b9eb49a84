import {
  to = platformxe_custom_event.property_favorited
  identity = {
    namespace = "lettings"
    name      = "property.favorited"
    version   = "1.0.0"
  }
}
