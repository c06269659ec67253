"""Feedback: "was this useful?"."""

from __future__ import annotations

from fastapi import APIRouter, Request

from isac.api.models import ErrorResponse, FeedbackRequest, FeedbackResponse

router = APIRouter(tags=["feedback"])


@router.post("/api/feedback", response_model=FeedbackResponse, responses={422: {"model": ErrorResponse}})
def feedback(request: Request, body: FeedbackRequest):
    """Record the citizen's verdict for the content team."""
    request.app.state.store.add_feedback(body.model_dump())
    return {"status": "recorded"}
