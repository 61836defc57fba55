package com.example;

/** Compiles against the generated class and its typed interface. */
public class App {
    public static void main(String[] args) {
        ClassifierModel model = ClassifierModel.create(4, 1);
        model.setX(new float[] {0, 1, 1, 0, 2, 2, -1, -1});
        model.setY(new float[] {1, -1, 1, -1});
        model.step();
        float[] score = model.score();
        System.out.println(model.loss() + " " + score.length);
    }
}
