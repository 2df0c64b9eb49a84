# Import by <group id>/<peer id> (the secret is shown only at creation, so it stays null).
terraform import platformxe_federation_https_peer.partner_hook fgr_0123456789abcdef01234567/fhp_0123456789abcdef01234567
