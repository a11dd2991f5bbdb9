"""A removed or changed role ends the user's tokens: a token must not keep a right the user
has lost. (A changed password ends them too, checked at each use: see models.passord_merke.)"""

from typing import Any

from django.contrib.auth import get_user_model
from django.db.models.signals import post_delete, pre_save
from django.dispatch import receiver

from tilbud.models import Rolle

from .models import ApiToken
from .services import tokener_trekk_tilbake_for_bruker

_ROLLEFELT = ("bruker_id", "type", "rhf_id", "organisasjon_id", "henvisertype")


@receiver(post_delete, sender=Rolle, dispatch_uid="tokens_rolle_slettet")
def _rolle_slettet(sender: Any, instance: Rolle, **kwargs: Any) -> None:
    tokener_trekk_tilbake_for_bruker(bruker_id=instance.bruker_id, grunn=ApiToken.Grunn.ROLLE)


@receiver(pre_save, sender=Rolle, dispatch_uid="tokens_rolle_endret")
def _rolle_endret(sender: Any, instance: Rolle, raw: bool = False, **kwargs: Any) -> None:
    if raw or instance.pk is None:
        return
    gammel = Rolle.objects.filter(pk=instance.pk).values(*_ROLLEFELT).first()
    if gammel is None:
        return
    if any(gammel[felt] != getattr(instance, felt) for felt in _ROLLEFELT):
        # The old role is gone (also from the user it belonged to, if that changed).
        tokener_trekk_tilbake_for_bruker(bruker_id=gammel["bruker_id"], grunn=ApiToken.Grunn.ROLLE)


@receiver(pre_save, sender=get_user_model(), dispatch_uid="tokens_bruker_deaktivert")
def _bruker_deaktivert(sender: Any, instance: Any, raw: bool = False, **kwargs: Any) -> None:
    oppdatert = kwargs.get("update_fields")
    if raw or instance.pk is None or instance.is_active:
        return
    if oppdatert is not None and "is_active" not in oppdatert:
        return
    tokener_trekk_tilbake_for_bruker(bruker_id=instance.pk, grunn=ApiToken.Grunn.DEAKTIVERT)
