"""The app as the tools see it: synthesizing it in both states, reading its cloud assembly
(templates, construct states, metadata, cross-region references), its CDK context and
``cdk.json``, the resource types the tools look at, and its literal bypass tokens (masked
wherever the tools print)."""
