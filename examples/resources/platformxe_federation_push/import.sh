# Import by <group id>/<push id>.
terraform import platformxe_federation_push.favorited fgr_0123456789abcdef01234567/fpu_0123456789abcdef01234567
