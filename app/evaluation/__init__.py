"""The annual evaluation per entity (R18) and the PAPSY's conversation about the role that it may call for."""
