"""Generated protobuf and gRPC stubs (``make generate``; do not edit by hand).

Only ``platformxe.tfplugin`` imports these modules.
"""
