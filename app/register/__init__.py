"""The register of facts by third parties and its prevention measures (R20)."""
