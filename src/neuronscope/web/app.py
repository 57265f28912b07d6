"""The lab's web app: a JSON API over trained runs plus the static page that draws them.

While a stroke is drawn, the page evaluates dense networks itself from their exported weights:
a browser round trip costs 5-15 ms of a 16 ms frame, the arithmetic well under 1 ms. The
server's ``infer`` does the same preparation and forward pass with the library's own code, for
API users and as the reference the page's arithmetic is tested against.
"""

from __future__ import annotations

import os
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import FileResponse, JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException

from .. import __version__
from ..errors import NeuronscopeError
from ..plot import palette
from ..runs import CONFIG
from .basics import basics_router
from .dense import dense_router
from .registry import RunRegistry, UnknownRun, runs_router
from .text import text_router
from .vision import vision_router

STATIC = Path(__file__).parent / "static"
MAX_BODY_BYTES = 4 * 1024 * 1024
PAGES = {"/": "index.html", "/gallery": "gallery.html", "/basics": "basics.html", "/text": "text.html",
         "/vision": "vision.html"}


def _error(status: int, message: str) -> JSONResponse:
    return JSONResponse(status_code=status, content={"error": message})


class BodyLimit:
    """Refuse request bodies over ``limit`` bytes, by declared length or as they stream in."""

    def __init__(self, app, limit: int):
        self.app, self.limit = app, limit

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        declared = dict(scope.get("headers") or []).get(b"content-length", b"0")
        if not declared.isdigit() or int(declared) > self.limit:
            return await _error(413, f"request body over {self.limit} bytes")(scope, receive, send)
        seen = 0

        async def limited_receive():
            nonlocal seen
            message = await receive()
            seen += len(message.get("body", b""))
            if seen > self.limit:
                raise _TooLarge
            return message

        try:
            await self.app(scope, limited_receive, send)
        except _TooLarge:
            await _error(413, f"request body over {self.limit} bytes")(scope, receive, send)


class _TooLarge(Exception):
    pass


def create_app(runs_dir: str | Path, data_dir=None) -> FastAPI:
    registry = RunRegistry(runs_dir, data_dir)
    # no /docs or /redoc: their pages load scripts from a CDN, and the lab must work offline
    app = FastAPI(title="neuronscope lab", version=__version__, docs_url=None, redoc_url=None)
    app.state.registry = registry

    app.add_middleware(BodyLimit, limit=MAX_BODY_BYTES)

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
                   runs_router(registry)):
        app.include_router(router)

    @app.get("/palette.js", include_in_schema=False)
    async def palette_module() -> Response:
        return Response(palette.javascript(), media_type="text/javascript")

    for route, page in PAGES.items():
        app.add_api_route(route, _page_response(STATIC / page), include_in_schema=False, methods=["GET"])

    app.mount("/static", StaticFiles(directory=STATIC), name="static")
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
    print(banner, flush=True)
    uvicorn.run(create_app(runs_dir, data_dir), host=host, port=port, log_level="warning", access_log=False)


def runs_dir_for(path: str | Path) -> tuple[Path, str | None]:
    """A run directory serves its parent folder with itself selected; any other folder is served as is."""
    path = Path(path)
    if (path / CONFIG).is_file():
        return path.resolve().parent, path.resolve().name
    if not path.is_dir():
        raise UnknownRun(f"{path}: no such run or runs folder")
    return path.resolve(), None


__all__ = ["create_app", "runs_dir_for", "serve_lab"]
