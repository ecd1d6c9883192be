"""The Faust worker: topology, agents as thin adapters over the domain steps, and its HTTP views."""
