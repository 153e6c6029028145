"""Which addresses a link import may connect to: public ones only, unless the operator allows more.

A moderator's chat command makes the bot's machine send requests, so without this anyone could make it read
the cloud metadata service, a router's admin page or a database on the same network (SSRF). The check runs on
the addresses the connection actually uses (a resolver that refuses, so a name cannot resolve to a public
address when checked and a private one when connecting), for the first request and every redirect alike.
"""

from __future__ import annotations

import ipaddress
import socket
from dataclasses import dataclass

from aiohttp.abc import AbstractResolver, ResolveResult
from aiohttp.resolver import DefaultResolver

Address = ipaddress.IPv4Address | ipaddress.IPv6Address
Network = ipaddress.IPv4Network | ipaddress.IPv6Network


class AddressRefusedError(Exception):
    """A host resolves to an address the policy refuses; `str()` says which and why, for the user."""


@dataclass(frozen=True, slots=True)
class AddressPolicy:
    """Public addresses, plus the networks the operator allows (`THREADBOT_FETCH_ALLOW_PRIVATE`)."""

    allow_all: bool = False
    allowed: tuple[Network, ...] = ()

    @classmethod
    def from_setting(cls, text: str) -> AddressPolicy:
        """'' (public only), 'all', or comma-separated networks and addresses."""
        words = [word.strip() for word in text.split(",") if word.strip()]
        if any(word.lower() in ("all", "true", "yes", "1") for word in words):
            return cls(allow_all=True)
        try:
            return cls(allowed=tuple(ipaddress.ip_network(word, strict=False) for word in words))
        except ValueError as error:
            raise ValueError(f"THREADBOT_FETCH_ALLOW_PRIVATE: {error}") from None

    def refusal(self, address: Address) -> str | None:
        """What kind of address `address` is ("a loopback address") when it may not be fetched from; None
        when it may."""
        if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
            address = address.ipv4_mapped
        if self.allow_all or any(address in network for network in self.allowed):
            return None
        if address.is_global and not address.is_multicast:
            return None
        for kind, is_kind in (
            ("a loopback", address.is_loopback),
            ("a link-local", address.is_link_local),
            ("a multicast", address.is_multicast),
            ("a private", address.is_private),
        ):
            if is_kind:
                return f"{kind} address"
        return "a reserved address, not a public one"

    def check_host(self, host: str) -> None:
        """Refuse a host written as an address (connections to those skip the resolver)."""
        try:
            address = ipaddress.ip_address(host.strip("[]"))
        except ValueError:
            return
        reason = self.refusal(address)
        if reason is not None:
            raise AddressRefusedError(f"{address} is {reason}")


class GuardedResolver(AbstractResolver):
    """Resolves like aiohttp's default resolver, then refuses the name if any of its addresses is refused."""

    def __init__(self, policy: AddressPolicy) -> None:
        self._policy = policy
        self._inner = DefaultResolver()

    async def resolve(
        self, host: str, port: int = 0, family: socket.AddressFamily = socket.AF_INET
    ) -> list[ResolveResult]:
        results = await self._inner.resolve(host, port, family)
        for result in results:
            address = ipaddress.ip_address(result["host"])
            reason = self._policy.refusal(address)
            if reason is not None:
                raise AddressRefusedError(f"{host} resolves to {address}, {reason}")
        return results

    async def close(self) -> None:
        await self._inner.close()
