package app;

public class Main {
    SpacedModel model = new Spaced(1);
}
