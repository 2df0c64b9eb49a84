# Import by the invitation id.
terraform import platformxe_federation_invitation.acme fin_0123456789abcdef01234567
