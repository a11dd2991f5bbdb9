"""Types for the apps' signatures (mypy: [tool.mypy] in pyproject.toml). AUTH_USER_MODEL is
Django's own User."""

from typing import TypeAlias

from django.contrib.auth.models import AnonymousUser, User

# A signed-in user: who does something in a service (the actor of a write).
Bruker: TypeAlias = User
# Whoever asks (request.user): access checks and selectors also answer an anonymous visitor.
MuligBruker: TypeAlias = User | AnonymousUser
