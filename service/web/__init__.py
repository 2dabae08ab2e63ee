"""Browser pages Deskmate serves, as packaged plain HTML/JS/CSS (no build step, no CDN): `app/` is the agent
review page (/app, service/routers/app_pages.py). Page shells hold no data; every data call sends the API key."""
