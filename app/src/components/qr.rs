//! A QR code drawn as SVG by the app (no image files, works offline, sharp at any size).

use leptos::prelude::*;
use qrcode::{Color, EcLevel, QrCode};

/// The SVG path of a QR code's dark modules and its width in modules (with a 4-module quiet
/// zone), or `None` when the text does not fit in a QR code.
pub fn qr_path(text: &str) -> Option<(String, usize)> {
    let code = QrCode::with_error_correction_level(text.as_bytes(), EcLevel::M).ok()?;
    let width = code.width();
    let colors = code.to_colors();
    let quiet = 4;
    let mut path = String::new();
    for (index, color) in colors.iter().enumerate() {
        if *color == Color::Dark {
            let (x, y) = (index % width + quiet, index / width + quiet);
            path.push_str(&format!("M{x} {y}h1v1h-1z"));
        }
    }
    Some((path, width + 2 * quiet))
}

/// A QR code of `text`, labelled for screen readers.
#[component]
pub fn QrCodeImage(text: String, label: String) -> impl IntoView {
    match qr_path(&text) {
        Some((path, size)) => view! {
            <svg class="qr" data-testid="qr" role="img" aria-label=label viewBox=format!("0 0 {size} {size}")
                shape-rendering="crispEdges" xmlns="http://www.w3.org/2000/svg">
                <rect width=size.to_string() height=size.to_string() fill="#fff" />
                <path d=path fill="#000" />
            </svg>
        }
        .into_any(),
        None => view! { <p class="form-error">{label}</p> }.into_any(),
    }
}
