"""What the portal generates beyond pages: the catalog, training, collateral, partners and their kits."""
