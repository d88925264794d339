"""Sign-ins per second with the chosen argon2id parameters, and what checking a token costs a gateway read.

1. argon2id parameters: each OWASP-recommended setting is timed (median of several verifications); the
   one with the most memory whose verification fits the budget in services/accounts/accounts/domain/
   argon2_parameters.json is the choice. `--record` writes the choice to that file (the one place the
   service reads it from).
2. Sign-ins: N password sign-ins through the accounts gateway (Flask test client, fresh database),
   next to the baseline of N bare argon2id verifications with the recorded parameters in the same run.
3. Authenticated read: GET /api/accounts/me with a bearer token, next to the same read (the same
   handler on the same database) served without authentication, alternating rounds of each.

    .venv/bin/python bench/accounts.py [--scale 2] [--backend sqlite] [--record]

Headline (last line): `accounts: <x> authenticated reads/s (ratio <r> vs unauthenticated)`.
"""

from __future__ import annotations

import json
import os
import statistics
import sys
import time
from pathlib import Path
from typing import Any

os.environ.setdefault("LOG_LEVEL", "WARNING")
BENCH = str(Path(__file__).resolve().parent)
sys.path.insert(0, BENCH)

from _common import parser, rate, resources  # noqa: E402

# This file's own name would hide the accounts service's package; only _common was needed from here.
sys.path[:] = [entry for entry in sys.path if str(Path(entry or ".").resolve()) != BENCH]

DEFAULT_SIGN_INS = 40
DEFAULT_READS = 1500
READ_ROUNDS = 10
VERIFICATIONS_PER_CANDIDATE = 5
PASSWORD = "quiet river stone bench"  # noqa: S105 - the benchmark accounts' password
# argon2id settings the OWASP Password Storage Cheat Sheet lists as equivalent minimums, plus RFC 9106's
# second recommendation; memory in KiB.
CANDIDATES = [
    {"time_cost": 5, "memory_cost": 7168, "parallelism": 1},
    {"time_cost": 4, "memory_cost": 9216, "parallelism": 1},
    {"time_cost": 3, "memory_cost": 12288, "parallelism": 1},
    {"time_cost": 2, "memory_cost": 19456, "parallelism": 1},
    {"time_cost": 1, "memory_cost": 47104, "parallelism": 1},
    {"time_cost": 3, "memory_cost": 65536, "parallelism": 4},
]


def parameters_file() -> Path:
    from accounts.domain import password_hashing

    return Path(password_hashing.__file__).with_name("argon2_parameters.json")


def median_verify_ms(parameters: dict[str, int], count: int) -> float:
    from argon2 import PasswordHasher

    hasher = PasswordHasher(**parameters)
    stored = hasher.hash(PASSWORD)
    times = []
    for _ in range(count):
        started = time.perf_counter()
        hasher.verify(stored, PASSWORD)
        times.append(time.perf_counter() - started)
    return statistics.median(times) * 1000


def choose_parameters(budget_ms: float, count: int) -> tuple[dict[str, int], float]:
    """Time every candidate; the most memory within the budget wins (the cheapest if none fits)."""
    timed = []
    for candidate in CANDIDATES:
        ms = median_verify_ms(candidate, count)
        timed.append((candidate, ms))
        fits = "fits" if ms <= budget_ms else "over budget"
        print(
            f"argon2id t={candidate['time_cost']} m={candidate['memory_cost']} KiB p={candidate['parallelism']}: "
            f"{ms:.1f} ms per verification ({fits})"
        )
    fitting = [(c, ms) for c, ms in timed if ms <= budget_ms]
    if not fitting:
        return min(timed, key=lambda item: item[1])
    return max(fitting, key=lambda item: (item[0]["memory_cost"], item[0]["time_cost"]))


def record_choice(recorded: dict[str, Any], chosen: dict[str, int], ms: float) -> None:
    recorded.update(chosen=chosen, measured_ms=round(ms, 1), measured_on=f"{os.cpu_count()}-core machine")
    parameters_file().write_text(json.dumps(recorded, indent=2) + "\n", encoding="utf-8")
    print(f"recorded in {parameters_file()}")


def unauthenticated_twin(app: Any) -> None:
    """The /me read without token checking, for the baseline: same handler, schema, database and app."""
    from flask_smorest import Blueprint

    from accounts import handlers
    from accounts.schemas import MeOut
    from cars_shared.web.app import session_scope

    twin = Blueprint("bench", __name__)

    @twin.route("/bench/me/<user_id>", methods=["GET"])
    @twin.response(200, MeOut)
    def me_without_token(user_id: str) -> Any:
        with session_scope() as session:
            return handlers.profile(session, user_id)

    app.extensions["cars.api"].register_blueprint(twin, url_prefix="/api/accounts")


def timed_reads(client: Any, path: str, headers: dict[str, str], count: int) -> float:
    started = time.perf_counter()
    for _ in range(count):
        response = client.get(path, headers=headers)
        if response.status_code != 200:
            raise RuntimeError(f"{path} answered {response.status_code}: {response.get_data(as_text=True)}")
    return time.perf_counter() - started


def main() -> int:
    arguments = parser(__doc__.split("\n")[0])
    arguments.add_argument("--record", action="store_true", help="write the chosen argon2id parameters")
    args = arguments.parse_args()
    from accounts import MIGRATIONS_DIR
    from accounts.domain.password_hashing import recorded_parameters
    from accounts.gateway import create_app
    from accounts.signing_key import SigningKey
    from cars_shared import logging as cars_logging
    from cars_shared.db import Database
    from cars_shared.migrate import upgrade

    # Request logs would cost both reads alike and drown the output.
    cars_logging.configure("bench")

    recorded = json.loads(parameters_file().read_text(encoding="utf-8"))
    chosen, chosen_ms = choose_parameters(recorded["budget_ms"], VERIFICATIONS_PER_CANDIDATE)
    print(f"chosen within {recorded['budget_ms']} ms: {chosen} ({chosen_ms:.1f} ms); recorded: {recorded_parameters()}")
    if args.record:
        record_choice(recorded, chosen, chosen_ms)

    sign_ins = max(1, int(DEFAULT_SIGN_INS * args.scale))
    reads = max(READ_ROUNDS, int(DEFAULT_READS * args.scale))
    with resources(args.backend) as held:
        url = held.database("accounts")
        upgrade(MIGRATIONS_DIR, url)
        database = Database(url)
        try:
            app = create_app(database=database, signing_key=SigningKey.generate())
            unauthenticated_twin(app)
            client = app.test_client()
            users = 10
            for n in range(users):
                body = {"username": f"bench{n}", "email": f"bench{n}@example.org", "password": PASSWORD}
                assert client.post("/api/accounts/users", json=body).status_code == 201

            baseline_seconds = median_verify_ms(recorded_parameters(), sign_ins) * sign_ins / 1000
            started = time.perf_counter()
            for n in range(sign_ins):
                body = {"username": f"bench{n % users}", "password": PASSWORD}
                answer = client.post("/api/accounts/sessions", json=body, headers={"X-Forwarded-For": f"10.0.0.{n}"})
                if answer.status_code != 200:
                    raise RuntimeError(f"sign-in answered {answer.status_code}: {answer.get_data(as_text=True)}")
            sign_in_seconds = time.perf_counter() - started
            token = answer.json["access_token"]
            user_id = (
                answer.json
                and client.get("/api/accounts/me", headers={"Authorization": f"Bearer {token}"}).json["user_id"]
            )
            sign_in_rate, verify_rate = rate(sign_ins, sign_in_seconds), rate(sign_ins, baseline_seconds)
            print(
                f"sign-ins: {sign_ins} in {sign_in_seconds:.2f}s = {sign_in_rate:.1f} sign-ins/s "
                f"(ratio {sign_in_rate / verify_rate:.2f} vs {verify_rate:.1f} bare argon2id verifications/s)"
            )

            per_round = reads // READ_ROUNDS
            authenticated = unauthenticated = 0.0
            bearer = {"Authorization": f"Bearer {token}"}
            timed_reads(client, "/api/accounts/me", bearer, 50)  # warm caches and the key ring
            for _ in range(READ_ROUNDS):
                authenticated += timed_reads(client, "/api/accounts/me", bearer, per_round)
                unauthenticated += timed_reads(client, f"/api/accounts/bench/me/{user_id}", {}, per_round)
            done = per_round * READ_ROUNDS
            auth_rate, open_rate = rate(done, authenticated), rate(done, unauthenticated)
            print(f"reads without authentication: {open_rate:.0f}/s ({done} in {unauthenticated:.2f}s)")
            print(f"backend: {args.backend}; token check: {(1 / auth_rate - 1 / open_rate) * 1e6:.0f} us per read")
            print(
                f"accounts: {sign_in_rate:.1f} sign-ins/s (ratio {sign_in_rate / verify_rate:.2f} vs argon2id verify)"
            )
            ratio = auth_rate / open_rate
            print(f"accounts: {auth_rate:.0f} authenticated reads/s (ratio {ratio:.2f} vs unauthenticated)")
        finally:
            database.dispose()
    return 0


if __name__ == "__main__":
    sys.exit(main())
