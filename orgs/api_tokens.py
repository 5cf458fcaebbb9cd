"""API tokens: each user sees and revokes their own, and a new password revokes them all (issue 18, item 7).

A changed password logs out every other session (Django rotates the session hash), but a DRF token
went on working: whoever had copied it kept the API after the owner changed the password because of
them. Tokens are DRF's (one per user); the key is shown once, when it is made, and afterwards only
its first characters, so the page never hands a key to someone looking over a shoulder.
"""

from django.db.models.signals import pre_save
from django.dispatch import receiver
from rest_framework.authtoken.models import Token

from .models import User

PREFIX = 8


def token_of(user: User) -> Token | None:
    return Token.objects.filter(user=user).first()


def issue(user: User) -> Token:
    """A fresh token for `user`; the previous one, if any, stops working."""
    Token.objects.filter(user=user).delete()
    return Token.objects.create(user=user)


def revoke(user: User) -> int:
    """Revoke the user's tokens; how many there were."""
    deleted, _ = Token.objects.filter(user=user).delete()
    return deleted


def shown(token: Token | None) -> dict:
    """What a page or the API may show of a token: never the whole key."""
    if token is None:
        return {"exists": False, "prefix": "", "created": None}
    return {"exists": True, "prefix": token.key[:PREFIX], "created": token.created}


@receiver(pre_save, sender=User, dispatch_uid="orgs_revoke_tokens_on_password_change")
def revoke_on_password_change(sender, instance: User, **kwargs) -> None:
    """set_password() keeps the new raw password in `_password` until the save: any password change
    (the page, the admin, `changepassword`, a reset) passes here."""
    if instance.pk is not None and getattr(instance, "_password", None) is not None:
        Token.objects.filter(user_id=instance.pk).delete()
