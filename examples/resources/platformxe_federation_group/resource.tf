# A federation group this organisation owns (Enterprise plan).
resource "platformxe_federation_group" "partners" {
  name = "partners"
}
