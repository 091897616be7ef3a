"""Schemathesis hooks for Nintei: uploads are sent as raw bytes, whatever their declared type."""

import schemathesis

# The upload's body is the file itself; a PDF is bytes like any other binary body.
schemathesis.serializer.alias("application/pdf", "application/octet-stream")
