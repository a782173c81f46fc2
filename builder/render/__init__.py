"""The only package that imports MkDocs: the variant's configuration, the render itself, the search split and the cache of rendered trees."""
