# Import by the listing id.
terraform import platformxe_marketplace_listing.favorites lst_0123456789abcdef01234567
