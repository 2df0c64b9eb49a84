# Import by the accepted invitation's id.
terraform import platformxe_federation_membership.partners fin_0123456789abcdef01234567
