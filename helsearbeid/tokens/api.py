"""`/api/v1/token/`: a person makes, lists and revokes their own tokens. A token is made only
with a signed-in session (the login page or HelseID, with the lock-out and everything else that
guards a login), never with another token: a token cannot extend itself past its end. Nobody
makes a token for someone else, not an administrator either: the access log must name the person
who acted."""

from typing import Any, ClassVar

from django.contrib.auth import get_user_model
from django.shortcuts import get_object_or_404
from django.utils import timezone
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.authentication import SessionAuthentication
from rest_framework.exceptions import PermissionDenied
from rest_framework.generics import GenericAPIView
from rest_framework.permissions import BasePermission
from rest_framework.request import Request
from rest_framework.response import Response

from .models import ApiToken
from .services import token_opprett, token_trekk_tilbake


class ErPerson(BasePermission):
    message = "Tokener gjelder innloggede brukere; en API-nøkkel har ingen."

    def has_permission(self, request: Request, view: Any) -> bool:
        return bool(request.user and request.user.is_authenticated) and isinstance(
            request.user, get_user_model()
        )


class TokenSerializer(serializers.ModelSerializer):
    class Meta:
        model = ApiToken
        fields = ["prefiks", "navn", "opprettet", "gyldig_til"]


class NyttTokenInput(serializers.Serializer):
    navn = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")


class NyttTokenSerializer(TokenSerializer):
    token = serializers.SerializerMethodField()

    class Meta(TokenSerializer.Meta):
        fields = ["token", *TokenSerializer.Meta.fields]

    def get_token(self, obj: ApiToken) -> str:
        return self.context["klartekst"]


class TokenListeApi(GenericAPIView):
    permission_classes: ClassVar = [ErPerson]
    serializer_class = TokenSerializer
    pagination_class = None
    filter_backends: ClassVar = []

    def get_queryset(self):
        return ApiToken.objects.filter(
            bruker=self.request.user, trukket_tilbake__isnull=True
        ).order_by("-opprettet", "id")

    @extend_schema(
        operation_id="token_list",
        responses={200: TokenSerializer(many=True)},
        description="Dine gyldige tokener (aldri selve tokenet, bare prefikset).",
    )
    def get(self, request: Request) -> Response:
        qs = self.get_queryset().filter(gyldig_til__gt=timezone.now())
        return Response(TokenSerializer(qs, many=True).data)

    @extend_schema(
        operation_id="token_create",
        request=NyttTokenInput,
        responses={
            201: NyttTokenSerializer,
            403: OpenApiResponse(description="Ikke innlogget med økt (et token lager ikke nye)."),
        },
        description=(
            "Et nytt token for deg selv, gyldig API_TOKEN_TIMER (8) timer. Krever innlogget økt "
            "(med CSRF-token). Tokenet vises bare i dette svaret; det lagres bare som SHA-256."
        ),
    )
    def post(self, request: Request) -> Response:
        if not isinstance(request.successful_authenticator, SessionAuthentication):
            raise PermissionDenied(
                "Et nytt token lages med innlogget økt (nettleseren), ikke med et token eller "
                "en API-nøkkel."
            )
        inn = NyttTokenInput(data=request.data)
        inn.is_valid(raise_exception=True)
        token, klartekst = token_opprett(bruker=request.user, navn=inn.validated_data["navn"])
        data = NyttTokenSerializer(token, context={"klartekst": klartekst}).data
        return Response(data, status=status.HTTP_201_CREATED)


class TokenDetaljApi(GenericAPIView):
    permission_classes: ClassVar = [ErPerson]
    serializer_class = TokenSerializer
    lookup_field = "prefiks"

    def get_queryset(self):
        return ApiToken.objects.filter(bruker=self.request.user, trukket_tilbake__isnull=True)

    @extend_schema(
        operation_id="token_destroy",
        responses={204: None},
        description="Trekk tilbake ett av dine tokener (f.eks. det du bruker nå: logg ut).",
    )
    def delete(self, request: Request, prefiks: str) -> Response:
        token = get_object_or_404(self.get_queryset(), prefiks=prefiks)
        token_trekk_tilbake(token=token, grunn=ApiToken.Grunn.UTLOGGET)
        return Response(status=status.HTTP_204_NO_CONTENT)
