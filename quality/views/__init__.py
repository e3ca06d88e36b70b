"""The web pages of quality: the public survey page and the QA review pages."""
