//! Reading a QR code from an RGBA picture with `rqrr`, for phones whose browser has no
//! `BarcodeDetector`. Compiled into the decoder worker (`src/bin/decoder.rs`), never into the
//! page's own wasm: decoding a frame takes tens of milliseconds on a slow phone, and the page
//! must answer taps meanwhile.

/// The text of the first QR code in an RGBA picture.
pub fn decode_rgba(rgba: &[u8], width: usize, height: usize) -> Option<String> {
    let mut image = rqrr::PreparedImage::prepare_from_greyscale(width, height, |x, y| {
        let i = (y * width + x) * 4;
        let (r, g, b) = (
            u32::from(rgba[i]),
            u32::from(rgba[i + 1]),
            u32::from(rgba[i + 2]),
        );
        ((r * 299 + g * 587 + b * 114) / 1000) as u8
    });
    image
        .detect_grids()
        .into_iter()
        .find_map(|grid| grid.decode().ok().map(|(_, text)| text))
}

#[cfg(test)]
mod tests {
    use super::decode_rgba;

    /// A camera-like RGBA frame: grey background, the code drawn at `scale` px per module.
    fn frame(text: &str, width: usize, height: usize, scale: usize) -> Vec<u8> {
        let code = qrcode::QrCode::with_error_correction_level(text.as_bytes(), qrcode::EcLevel::M)
            .expect("encodable");
        let modules = code.width();
        let colors = code.to_colors();
        let mut rgba = vec![200u8; width * height * 4];
        let (left, top) = (
            (width - modules * scale) / 2,
            (height - modules * scale) / 2,
        );
        // A white quiet zone of 4 modules, as on the phone screen.
        for y in top.saturating_sub(4 * scale)..(top + (modules + 4) * scale).min(height) {
            for x in left.saturating_sub(4 * scale)..(left + (modules + 4) * scale).min(width) {
                rgba[(y * width + x) * 4..][..3].fill(250);
            }
        }
        for (i, c) in colors.iter().enumerate() {
            if *c == qrcode::Color::Dark {
                let (mx, my) = (i % modules, i / modules);
                for y in 0..scale {
                    for x in 0..scale {
                        let (px, py) = (left + mx * scale + x, top + my * scale + y);
                        rgba[(py * width + px) * 4..][..3].fill(20);
                    }
                }
            }
        }
        rgba
    }

    #[test]
    fn a_my_page_code_is_read_from_a_camera_sized_frame() {
        // As long as a real token: `N1.` + base64url claims + `.` + 86-character signature.
        let token = format!(
            "N1.{}.{}",
            "eyJyZWdpc3RyeV9udW1iZXIiOiI0MDAwMDAi".repeat(5),
            "s".repeat(86)
        );
        let rgba = frame(&token, 640, 480, 6);
        assert_eq!(
            decode_rgba(&rgba, 640, 480).as_deref(),
            Some(token.as_str())
        );
    }

    #[test]
    fn a_frame_without_a_code_reads_nothing() {
        assert_eq!(decode_rgba(&vec![128u8; 320 * 240 * 4], 320, 240), None);
    }
}
