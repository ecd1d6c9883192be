"""What happens to the data: thin Faust agents and the pure logic they call (NLP, situation indicators)."""
