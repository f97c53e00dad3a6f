"""CAPTCHA answers for login walls: ask the operator (`manual`) or run a configured solver (`command`).

The solver is any program: it gets the challenge image on stdin and `{id}` in its arguments, and prints the
answer. Units plug in their own (OCR, a human queue); the test range's solver reads the answer file.
"""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from scrapy.http import Request, Response

from crawlers.config import Captcha
from crawlers.extract import absolute, select

if TYPE_CHECKING:
    from crawlers.spiders.base import SourceSpider


class CaptchaError(RuntimeError):
    """No answer could be obtained; the login is retried up to the configured number of attempts."""


async def _image(spider: SourceSpider, response: Response, cfg: Captcha) -> tuple[bytes, str]:
    src = select(response, cfg.image) if cfg.image else None
    if not src:
        return b"", ""
    if src.lstrip().startswith("<svg"):
        return src.encode(), "svg"
    url = absolute(response.url, src)
    assert url is not None
    # Fetched through the engine, so it takes the source's proxy, cookies and evidence like any page.
    image = await spider.crawler.engine.download_async(
        Request(url, dont_filter=True, priority=1000, meta={"narcwatch_login": True}))
    kind = "svg" if b"<svg" in image.body[:512] else "png"
    return image.body, kind


async def _run_solver(command: list[str], challenge: str, image: bytes) -> str:
    args = [part.replace("{id}", challenge) for part in command]
    try:
        proc = await asyncio.create_subprocess_exec(
            *args, stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
    except OSError as exc:
        raise CaptchaError(f"CAPTCHA solver {args[0]!r} could not be started: {exc.strerror or exc}") from None
    try:
        out, err = await asyncio.wait_for(proc.communicate(image), timeout=120)
    except TimeoutError:
        proc.kill()
        raise CaptchaError("CAPTCHA solver gave no answer within 120 s") from None
    if proc.returncode != 0:
        raise CaptchaError(f"CAPTCHA solver exited with {proc.returncode}: {err.decode(errors='replace')[:200]}")
    return out.decode(errors="replace").strip()


async def _ask_operator(spider: SourceSpider, challenge: str, image: bytes, kind: str) -> str:
    folder = Path(spider.settings.get("NARCWATCH_RUN_DIR") or ".") / "captcha"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{spider.source.name}-{challenge or 'challenge'}.{kind or 'bin'}"
    path.write_bytes(image)
    prompt = f"\nCAPTCHA for source {spider.source.name!r}: open {path} and type the characters: "
    if not sys.stdin or not sys.stdin.readable():
        raise CaptchaError("manual CAPTCHA needs an operator at the terminal (stdin is closed)")
    sys.stderr.write(prompt)
    sys.stderr.flush()
    answer = await asyncio.to_thread(sys.stdin.readline)
    if not answer:
        raise CaptchaError("manual CAPTCHA: no answer was typed (end of input)")
    return answer.strip()


async def solve_captcha(spider: SourceSpider, response: Response, cfg: Captcha) -> str:
    challenge = (select(response, cfg.challenge_id) if cfg.challenge_id else None) or ""
    image, kind = await _image(spider, response, cfg)
    if cfg.mode == "command":
        assert cfg.command is not None
        answer = await _run_solver(cfg.command, challenge, image)
    else:
        answer = await _ask_operator(spider, challenge, image, kind)
    if not answer:
        raise CaptchaError("the CAPTCHA answer was empty")
    return answer
