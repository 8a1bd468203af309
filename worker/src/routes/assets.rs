//! Requests outside `/api`: the app's shell for a route of the app, a plain 404 for a file the
//! build does not have.

use worker::{Env, Method, Request, RequestInit, Response};

use crate::error::ApiError;
use crate::http::text_response;

/// What matched no file of the app. Workers static assets answer every file of `dist/` before the
/// Worker runs (`not_found_handling = "none"` in `wrangler.toml`), so a request outside `/api`
/// reaches here only when no file has its path: a path that names a file (see
/// [`names_static_file`]) gets a plain 404; any other is a route of the app (a deep link such as
/// `/tasks` or `/invite?code=…`) and gets the app shell, `/`, from the assets binding, which adds
/// the security headers of `public/_headers` as it does for every file it serves.
pub(super) async fn app_fallback(request: Request, env: &Env) -> Result<Response, ApiError> {
    if names_static_file(&request.path()) {
        return Ok(text_response(
            "Not found: IMP Companion has no such file.\n",
            404,
        ));
    }
    let method = request.method();
    if !matches!(method, Method::Get | Method::Head) {
        let response = text_response("Method not allowed: the app's pages are only read.\n", 405);
        let _ = response.headers().set("allow", "GET, HEAD");
        return Ok(response);
    }
    let mut url = request
        .url()
        .map_err(|error| ApiError::BadRequest(format!("bad URL: {error}")))?;
    url.set_path("/");
    url.set_query(None);
    url.set_fragment(None);
    // The browser's own headers go along: `If-None-Match` still gets a 304 for an unchanged shell.
    let mut init = RequestInit::new();
    init.with_method(method)
        .with_headers(request.headers().clone());
    let shell = Request::new_with_init(url.as_str(), &init)?;
    let assets = env
        .assets("ASSETS")
        .map_err(|error| ApiError::Internal(format!("no assets binding: {error}")))?;
    Ok(assets.fetch_request(shell).await?)
}

/// Whether a path outside `/api` names a file rather than a route of the app: its last segment has
/// an extension (`/nope.js`, `/robots.txt`), or it lies under the build's own folders (`/pkg/…`,
/// `/icons/…`). The app's routes are single words (`/tasks`, `/student?id=…`), never with a dot.
fn names_static_file(path: &str) -> bool {
    let under = |folder: &str| {
        path.strip_prefix(folder)
            .is_some_and(|rest| rest.is_empty() || rest.starts_with('/'))
    };
    let last = path.rsplit('/').next().unwrap_or_default();
    under("/pkg") || under("/icons") || last.contains('.')
}
