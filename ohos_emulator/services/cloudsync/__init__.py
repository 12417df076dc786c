"""The emulated cloud sync system ability (SA 5204): GallerySync and Download."""
