# Import by the group id.
terraform import platformxe_federation_group.partners fgr_0123456789abcdef01234567
