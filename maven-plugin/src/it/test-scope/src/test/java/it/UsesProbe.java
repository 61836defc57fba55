package it;

/** Test code compiles against the test model's class and interface. */
public class UsesProbe {
    ProbeModel probe = new Probe(2);
}
