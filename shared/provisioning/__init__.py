"""Credentials and broker configuration for a TeachBooth fleet (`teachbooth provision`).

One module per job: `fleet` (who is in it), `certificates` (CA and broker
certificate), `passwords` (the mosquitto password file), `acl` (who may touch
which topic), `snippets` (what each machine is told), `secret_files` (writing
without clobbering), and `provision` tying them into one folder.
"""
