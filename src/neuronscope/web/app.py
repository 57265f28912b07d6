"""The lab's web app: a JSON API over trained runs plus the static page that draws them.

While a stroke is drawn, the page evaluates dense networks itself from their exported weights:
a browser round trip costs 5-15 ms of a 16 ms frame, the arithmetic well under 1 ms. The
server's ``infer`` does the same preparation and forward pass with the library's own code, for
API users and as the reference the page's arithmetic is tested against.
"""

from __future__ import annotations

import os
import socket
import sys
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import FileResponse, JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.middleware.trustedhost import TrustedHostMiddleware
from swagger_ui_bundle import swagger_ui_path

from .. import __version__
from ..errors import NeuronscopeError
from ..plot import palette
from ..runs import CONFIG
from .basics import basics_router
from .dense import dense_router
from .imagenet import imagenet_router
from .protocol import HeaderTimeoutProtocol
from .registry import RunRegistry, UnknownRun, runs_router
from .text import text_router
from .vision import vision_router

STATIC = Path(__file__).parent / "static"
LOOPBACK_NAMES = ("127.0.0.1", "localhost", "::1")
MAX_BODY_BYTES = 4 * 1024 * 1024
PAGES = {"/": "index.html", "/gallery": "gallery.html", "/basics": "basics.html", "/text": "text.html",
         "/vision": "vision.html", "/imagenet": "imagenet.html"}


def _error(status: int, message: str) -> JSONResponse:
    return JSONResponse(status_code=status, content={"error": message})


class BodyLimit:
    """Refuse request bodies over ``limit`` bytes, by declared length or as they stream in (chunked
    bodies declare none): the body is read whole, at most ``limit`` bytes of it, before the app sees it."""

    def __init__(self, app, limit: int):
        self.app, self.limit = app, limit

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        declared = dict(scope.get("headers") or []).get(b"content-length", b"0")
        if not declared.isdigit() or int(declared) > self.limit:
            return await _error(413, f"request body over {self.limit} bytes")(scope, receive, send)
        chunks, size, more = [], 0, True
        while more:
            message = await receive()
            if message["type"] != "http.request":
                return
            chunks.append(message.get("body", b""))
            size += len(chunks[-1])
            more = message.get("more_body", False)
            if size > self.limit:
                return await _error(413, f"request body over {self.limit} bytes")(scope, receive, send)
        body = b"".join(chunks)

        replayed = False

        async def replay():
            nonlocal replayed
            if replayed:  # after the body, what the client does next (a disconnect, say)
                return await receive()
            replayed = True
            return {"type": "http.request", "body": body, "more_body": False}

        await self.app(scope, replay, send)


class HeadAsGet:
    """Answer HEAD for every GET route, as HTTP asks: the GET's status and headers, no body."""

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http" or scope["method"] != "HEAD":
            return await self.app(scope, receive, send)

        async def headers_only(message):
            if message["type"] == "http.response.body":
                message = {**message, "body": b""}
            await send(message)

        await self.app({**scope, "method": "GET"}, receive, headers_only)


def create_app(runs_dir: str | Path, data_dir=None, *, allowed_hosts: list[str] | None = None,
               imagenet_cache: str | Path | None = None) -> FastAPI:
    """The lab over the runs in ``runs_dir``. ``allowed_hosts``: the Host names a request may carry
    (``serve`` passes this machine's names when it listens on loopback, so a web page elsewhere cannot
    reach the API through DNS rebinding); None accepts any. ``imagenet_cache``: where the ImageNet
    network is kept (default: the cache folder's imagenet/)."""
    registry = RunRegistry(runs_dir, data_dir)
    # FastAPI's own /docs loads its scripts from a CDN; the lab serves Swagger UI from the package instead
    app = FastAPI(title="neuronscope lab", version=__version__, docs_url=None, redoc_url=None)
    app.router.redirect_slashes = False  # a redirect would echo the Host header back
    app.state.registry = registry

    app.add_middleware(BodyLimit, limit=MAX_BODY_BYTES)
    app.add_middleware(HeadAsGet)
    if allowed_hosts is not None:
        app.add_middleware(TrustedHostMiddleware, allowed_hosts=allowed_hosts)

    @app.exception_handler(RequestValidationError)
    async def invalid_request(request: Request, exc: RequestValidationError):
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first.get("loc", ()) if p != "body")
        return _error(422, f"{where + ': ' if where else ''}{first.get('msg', 'invalid request')}")

    def message(exc: Exception) -> str:
        # where the served folder lies on this machine is none of a page's business
        return str(exc).replace(f"{registry.runs_dir}{os.sep}", "")

    @app.exception_handler(UnknownRun)
    async def unknown_run(request: Request, exc: UnknownRun):
        return _error(404, message(exc))

    @app.exception_handler(NeuronscopeError)
    async def bad_value(request: Request, exc: NeuronscopeError):
        return _error(400, message(exc))

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException):
        return _error(exc.status_code, str(exc.detail))

    for router in (dense_router(registry), basics_router(), text_router(registry), vision_router(registry),
                   imagenet_router(imagenet_cache), runs_router(registry)):
        app.include_router(router)

    @app.get("/palette.js", include_in_schema=False)
    async def palette_module() -> Response:
        return Response(palette.javascript(), media_type="text/javascript")

    @app.get("/docs", include_in_schema=False)
    async def api_docs() -> Response:
        return get_swagger_ui_html(openapi_url=app.openapi_url, title="neuronscope lab: API",
                                   swagger_js_url="/swagger/swagger-ui-bundle.js",
                                   swagger_css_url="/swagger/swagger-ui.css", swagger_favicon_url="/swagger/favicon-32x32.png")

    for route, page in PAGES.items():
        app.add_api_route(route, _page_response(STATIC / page), include_in_schema=False, methods=["GET"])

    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    app.mount("/swagger", StaticFiles(directory=swagger_ui_path), name="swagger")
    return app


def _page_response(file: Path):
    async def page() -> FileResponse:
        return FileResponse(file)

    return page


def serve_lab(runs_dir: str | Path, data_dir, host: str, port: int, banner: str) -> None:
    """Check the port, print ``banner`` (where to point the browser), then serve the lab until Ctrl-C."""
    import uvicorn

    if not 1 <= port <= 65535:
        raise NeuronscopeError(f"port must be between 1 and 65535, got {port}")
    try:
        with socket.create_server((host, port)):
            pass
    except OSError as e:
        raise NeuronscopeError(f"cannot listen on {host}:{port} ({e.strerror or e}); is another lab running? "
                               f"choose another --port") from None
    loopback = host in LOOPBACK_NAMES
    if not loopback:
        print(f"WARNING: serving on {host}: anyone who can reach this machine can use the lab and read every "
              f"run in the folder. Use --host 127.0.0.1 to keep it to this machine.", file=sys.stderr, flush=True)
    print(banner, flush=True)
    app = create_app(runs_dir, data_dir, allowed_hosts=[*LOOPBACK_NAMES] if loopback else None)
    uvicorn.run(app, host=host, port=port, log_level="warning", access_log=False, timeout_keep_alive=5,
                http=HeaderTimeoutProtocol)


def runs_dir_for(path: str | Path) -> tuple[Path, str | None]:
    """A run directory serves its parent folder with itself selected; any other folder is served as is."""
    path = Path(path)
    if (path / CONFIG).is_file():
        return path.resolve().parent, path.resolve().name
    if not path.is_dir():
        raise UnknownRun(f"{path}: no such run or runs folder")
    return path.resolve(), None


__all__ = ["create_app", "runs_dir_for", "serve_lab"]
