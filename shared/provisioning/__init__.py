"""Credentials and broker configuration for a TeachBooth fleet (`teachbooth provision`).

One module per job: `fleet` (who is in it), `certificates` (CA and broker
certificate), `passwords` (passwords and their salted hashes), `acl` (each
member's role: who may touch which topic), `dynsec` (the broker's
dynamic-security file), `snippets` (what each machine is told),
`secret_files` (writing without clobbering), and `provision` tying them into
one folder.
"""
