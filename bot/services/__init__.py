"""Domain services: combine repositories, never touch Telegram objects."""
