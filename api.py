"""The FastAPI app: `uvicorn api:app`. Settings come from ISAC_ variables."""

from isac.api.app import create_app

app = create_app()
