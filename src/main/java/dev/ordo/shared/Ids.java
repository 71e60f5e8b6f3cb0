package dev.ordo.shared;

/**
 * Unique numeric ids per named sequence, assigned by Ordo rather than by the database so that the
 * schema is the same on every database and ids are known before a batch insert. Safe across nodes
 * sharing one database.
 */
public interface Ids {

    long next(String sequence);
}
